"""One or more sample instances of every registered message type (checked complete by a test).

The first example of each type is minimal (defaults left alone); the others set
every optional field, so the round trip covers both.
"""

from __future__ import annotations

import protocol as p

PCM_20MS = bytes(range(256)) * 2 + bytes(128)  # 640 bytes: 20 ms of 16 kHz mono int16
STATE = p.SessionState(
    procedure_id="crac-hp-trip-recovery",
    step_index=3,
    pending_question_id="q-17",
    pending_question="What is the max head pressure on this unit?",
    pack_version="2024.06.1",
)
CITATIONS = (
    p.Citation("crac-hp-trip-recovery", "CRAC compressor high-pressure trip recovery", "Step 4"),
    p.Citation("crac-ref", "CRAC-01 reference sheet"),
)
MANIFEST_FILES = (
    p.PackFile("safety/lockout-tagout.md", "a" * 64, 4096, "safety"),
    p.PackFile("procedures/crac-hp-trip-recovery.md", "b" * 64, 12000, "procedure"),
    p.PackFile("reference/crac-01.md", "c" * 64, 0, "reference"),
)

EXAMPLES: dict[str, tuple[p.Message, ...]] = {
    "hello": (
        p.Hello("1.0", "glasses-07", "Bay 3 glasses"),
        p.Hello("1.2", "glasses-07", "Ana's glasses ✓", ("asr", "tts", "pack"), "tok_9f8e", STATE),
    ),
    "welcome": (
        p.Welcome("1.0", "gw-1", "Control room", "s-0001", "kb-42"),
        p.Welcome("1.0", "gw-1", "Control room", "s-0001", "kb-42", ("llm",), "2024.06.1", 0.5),
    ),
    "going_away": (p.GoingAway("restart"), p.GoingAway("maintenance window", 30.0)),
    "ping": (p.Ping(0, 0.0), p.Ping(4_294_967_295, 1717171717.25)),
    "pong": (p.Pong(7, 12.5),),
    "state_update": (p.StateUpdate(p.SessionState()), p.StateUpdate(STATE)),
    "error": (
        p.ErrorMessage("not_found", "no procedure 'x'"),
        p.ErrorMessage("unauthorized", "token revoked", ref="q-1", fatal=True),
    ),
    "audio_start": (p.AudioStart(1), p.AudioStart(2, 48000, 2, 2)),
    "audio_chunk": (
        p.AudioChunkMessage(1, 0, 0.0, PCM_20MS),
        p.AudioChunkMessage(2, 99, 1.98, b"\x01\x00\x02\x00", 48000, 2, 2),
        p.AudioChunkMessage(3, 1, 0.02, b""),
    ),
    "audio_stop": (p.AudioStop(1),),
    "transcript": (p.Transcript(1, "hey jarvis"), p.Transcript(1, "next step", True)),
    "ask": (
        p.Ask("q-1", "What is the max head pressure?"),
        p.Ask("q-2", "Which valve?", p.AskContext("crac-hp-trip-recovery", 2, "CRAC-01")),
    ),
    "cancel": (p.Cancel("q-1"),),
    "answer_delta": (p.AnswerDelta("q-1", 0, "The max "), p.AnswerDelta("q-1", 1, "héad ≤ 600")),
    "answer": (
        p.Answer("q-1", "", "pack"),
        p.Answer("q-1", "Max head pressure is 600 psig.", "llm", CITATIONS, 180.5, 2400.0),
        p.Answer("q-2", "Close valve V-3.", "extract", CITATIONS[:1], None, 35.0),
    ),
    "queue_status": (p.QueueStatus("q-1", 2, 7.5),),
    "busy": (p.Busy("q-1", 30.0, "All answer slots are busy."),),
    "procedure_request": (p.ProcedureRequest("crac-hp-trip-recovery"),),
    "procedure_response": (
        p.ProcedureResponse.build("crac-hp-trip-recovery", "+++\nid = 'x'\n+++\n# Tëst\n", "3"),
    ),
    "pack_manifest": (p.PackManifest("2024.06.1", 1717000000.0, MANIFEST_FILES, "ab" * 64),),
    "pack_request": (
        p.PackRequest("2024.06.1"),
        p.PackRequest("2024.06.1", (p.PackWant("safety/lockout-tagout.md", 2048), p.PackWant("a"))),
    ),
    "pack_chunk": (
        p.PackChunk.build("2024.06.1", "safety/lockout-tagout.md", 0, 4096, b"# LOTO\n"),
        p.PackChunk.build("2024.06.1", "reference/crac-01.md", 0, 0, b""),
    ),
    "pack_ack": (p.PackAck("2024.06.1", "safety/lockout-tagout.md", 4096),),
    "pack_complete": (p.PackComplete("2024.06.1"),),
    "record": (
        p.Record("01HZX3K9Q4T5", "event", 1717000000.5),
        p.Record(
            "01HZX3K9Q4T6",
            "reading",
            1717000001.0,
            {"point": "suction", "value": 68.5, "count": 3, "ok": True, "note": None},
        ),
    ),
    "record_ack": (p.RecordAck(("01HZX3K9Q4T5", "01HZX3K9Q4T6")),),
    "telemetry_readings": (
        p.TelemetryReadings("CRAC-01", ()),
        p.TelemetryReadings(
            "CRAC-01",
            (
                p.Reading("discharge_pressure", 412.0, "psig", 1717000000.0, "up"),
                p.Reading("supply_air_temp", -1.5, "°C", 1717000000.0),
            ),
        ),
    ),
    "telemetry_subscribe": (p.TelemetrySubscribe("CRAC-01"), p.TelemetrySubscribe(None)),
    "alert": (
        p.Alert(
            "al-1",
            "CRAC-01",
            "discharge_pressure",
            "warning",
            "Head pressure rising",
            560.0,
            "350-520",
            1717000000.0,
        ),
        p.Alert(
            "al-2",
            "CRAC-01",
            "supply_air_temp",
            "critical",
            "Supply air hot",
            31.2,
            "18.0-27.0",
            1717000100.0,
            "°C",
            "crac-hp-trip-recovery",
        ),
    ),
    "alert_ack": (p.AlertAck("al-1"),),
}
