"""Size and range limits of the wire protocol, enforced on construction and on decode.

Every limit is documented in protocol/README.md ("Limits"). Lengths of text are
counted in characters (Unicode code points); frame sizes in bytes.
"""

from __future__ import annotations

from protocol.audio import ALLOWED_CHANNELS as ALLOWED_CHANNELS
from protocol.audio import ALLOWED_RATES as ALLOWED_RATES
from protocol.audio import ALLOWED_WIDTHS as ALLOWED_WIDTHS

# --- frames -----------------------------------------------------------------
MAX_TEXT_FRAME_BYTES = 256 * 1024
"""Largest JSON text frame, in UTF-8 bytes."""
MAX_BINARY_FRAME_BYTES = 1024 * 1024
"""Largest binary frame (fixed header + JSON header + payload), in bytes."""
MAX_BINARY_HEADER_BYTES = 4096
"""Largest JSON header inside a binary frame, in bytes."""

# --- numbers ----------------------------------------------------------------
MAX_UINT32 = 2**32 - 1
"""Stream ids, sequence numbers, ping ids and positions are unsigned 32-bit."""
MAX_SAFE_INT = 2**53 - 1
"""Largest integer every JSON implementation represents exactly."""
MAX_TIMESTAMP = 1e11
"""Timestamps are seconds (Unix time or since a stream started), 0 to this."""
MAX_WAIT_S = 86400.0
"""Largest wait estimate or retry delay, in seconds."""
MAX_DURATION_MS = 3_600_000.0
"""Largest timing figure in an answer, in milliseconds."""
MIN_HEARTBEAT_S = 0.1
MAX_HEARTBEAT_S = 60.0
"""Heartbeat interval the gateway may ask for, in seconds."""
MAX_STEP_INDEX = 9999
"""Step indexes are 0-based and below this."""

# --- text -------------------------------------------------------------------
MAX_ID_CHARS = 64
"""Ids (device, session, question, record, alert, procedure, document, ...)."""
MAX_NAME_CHARS = 128
"""Short labels: device and gateway names, titles, sections, points, units."""
MAX_TAG_CHARS = 64
"""Equipment tags as printed on the unit, e.g. "CRAC-01"."""
MAX_VERSION_CHARS = 64
"""Knowledge-base, pack and document version labels."""
MAX_TOKEN_CHARS = 512
"""Pairing token sent in hello."""
MAX_CAPABILITIES = 32
MAX_CAPABILITY_CHARS = 32
MAX_QUESTION_CHARS = 1000
"""A spoken question, as transcribed."""
MAX_TEXT_CHARS = 8192
"""Answers, transcripts, human-readable messages."""
MAX_DELTA_CHARS = 1024
"""One streamed piece of an answer."""
MAX_DOCUMENT_CHARS = 131072
"""A procedure document (Markdown) sent whole in procedure_response."""
MAX_CITATIONS = 16

# --- knowledge packs --------------------------------------------------------
MAX_PATH_CHARS = 255
"""A pack file path: relative, '/'-separated, [A-Za-z0-9._+-] per segment."""
MAX_PACK_FILES = 1000
MAX_PACK_FILE_BYTES = 2**30
MAX_PACK_CHUNK_BYTES = 512 * 1024
MAX_SIGNATURE_HEX_CHARS = 1024

# --- audio ------------------------------------------------------------------
MAX_AUDIO_CHUNK_BYTES = 64 * 1024
"""PCM bytes in one audio_chunk (20 ms of 16 kHz mono int16 is 640 bytes)."""

# --- outbox and telemetry ---------------------------------------------------
MAX_RECORD_FIELDS = 64
MAX_RECORD_KEY_CHARS = 64
MAX_RECORD_VALUE_CHARS = 4096
MAX_ACK_IDS = 256
MAX_READINGS = 256
