"""Speech output: Piper TTS streamed sentence by sentence, a phrase cache and prefetch,
a player with immediate barge-in, and interchangeable sinks (speaker, WAV, off).

Usage inside the loop::

    speaker = await asyncio.to_thread(Speaker.load, TtsConfig(), PlayerConfig(),
                                      parse_sink("wav:out/speech.wav"), None, on_event)
    speaker.start()
    uid = speaker.say("Step 3 of 9. Read the discharge pressure.")
    speaker.prefetch([next_step_text, previous_step_text])
    speaker.cancel()          # barge-in: a CUT event follows at once
    await speaker.close()
"""

from glasses.tts.cache import CacheStats
from glasses.tts.config import PlayerConfig, SinkConfig, SinkKind, TtsConfig
from glasses.tts.engine import PiperTts, Synthesis, TtsError
from glasses.tts.playback import PlaybackEvent, PlaybackKind
from glasses.tts.player import Player
from glasses.tts.sentences import split_sentences
from glasses.tts.sinks import (
    AudioSink,
    NullSink,
    RecordingSink,
    SinkError,
    WavSink,
    open_sink,
    parse_sink,
)
from glasses.tts.speaker import Speaker, Synthesizer
from glasses.tts.speaker_sink import SpeakerSink

__all__ = [
    "AudioSink",
    "CacheStats",
    "NullSink",
    "PiperTts",
    "PlaybackEvent",
    "PlaybackKind",
    "Player",
    "PlayerConfig",
    "RecordingSink",
    "SinkConfig",
    "SinkError",
    "SinkKind",
    "Speaker",
    "SpeakerSink",
    "Synthesis",
    "Synthesizer",
    "TtsConfig",
    "TtsError",
    "WavSink",
    "open_sink",
    "parse_sink",
    "split_sentences",
]
