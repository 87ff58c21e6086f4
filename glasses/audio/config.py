"""Configuration of the voice input: sources, speech gate, wake word, endpointing, ASR.

Every field has a documented default; the lead assembles ``VoiceConfig`` into the
glasses' config tree (``protocol.configtree`` fills it from TOML and flags).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_VOCABULARY: tuple[str, ...] = (
    "CRAC",
    "CRAH",
    "UPS",
    "PDU",
    "psig",
    "R-410A",
    "head pressure",
    "compressor",
    "breaker",
    "chiller",
)
DEFAULT_COMMANDS: tuple[str, ...] = (
    "Next step.",
    "Previous step.",
    "Repeat that.",
    "Go to step 4.",
    "Confirm.",
    "Stop.",
    "Pause.",
    "Resume.",
    "End procedure.",
    "Help.",
    "Read the warnings.",
    "Record reading 380 psig.",
    "Take a note.",
    "What procedures are there?",
    "What is this unit?",
    "Are we connected?",
)


@dataclass(frozen=True)
class MicConfig:
    """The sound card (sounddevice / PortAudio)."""

    device: str = ""
    """Input device name or index as text; empty = the system default."""
    block_ms: int = 20
    """Audio delivered per callback (ms)."""
    queue_chunks: int = 100
    """Chunks buffered between the sound-card thread and the loop; the oldest is dropped."""


@dataclass(frozen=True)
class ReplayConfig:
    """WAV replay as a microphone."""

    chunk_ms: int = 20
    """Chunk length (ms)."""
    realtime: bool = True
    """Pace chunks in real time; false = as fast as the consumer takes them."""


@dataclass(frozen=True)
class GateConfig:
    """The speech gate that decides when the wake-word model may run."""

    vad_aggressiveness: int = 3
    """webrtcvad aggressiveness 0..3 (3 rejects the most non-speech)."""
    margin_db: float = 7.0
    """A frame counts only if its energy is this far above the tracked noise floor."""
    min_level_dbfs: float = -55.0
    """Frames quieter than this never count as speech (digital silence, mic hiss)."""
    floor_rise_db_per_s: float = 3.0
    """How fast the noise floor climbs towards louder steady noise."""
    open_frames: int = 3
    """Speech frames (30 ms) needed within ``open_window`` frames to open the gate."""
    open_window: int = 5
    """Window (frames) for ``open_frames``."""
    hangover_ms: int = 1000
    """The gate stays open this long after the last speech frame."""
    preroll_ms: int = 1600
    """Audio kept while closed and fed to the wake model when the gate opens."""


@dataclass(frozen=True)
class WakeConfig:
    """openWakeWord detection."""

    model: str = "hey_jarvis"
    """A bundled model (hey_jarvis, okay_nabu, alexa, hey_mycroft, hey_rhasspy) or .tflite path."""
    threshold: float = 0.35
    """Probability at or above which the wake word counts as heard."""
    refractory_ms: int = 2000
    """After a detection, further detections are ignored for this long."""
    phases: int = 2
    """Scorers on 80 ms grids offset by 80/phases ms; the best counts (costs phases x CPU
    while the gate is open)."""


@dataclass(frozen=True)
class EndpointConfig:
    """Utterance capture after the wake word (webrtcvad, 30 ms frames)."""

    vad_aggressiveness: int = 3
    """webrtcvad aggressiveness 0..3."""
    margin_db: float = 3.0
    """A frame can be speech only this far above the noise floor (lower than the gate's:
    once listening, quiet syllables in loud fans must not end or clip the utterance)."""
    silence_ms: int = 500
    """Non-speech after the last speech frame that ends the utterance."""
    start_frames: int = 3
    """Consecutive speech frames that start an utterance."""
    preroll_ms: int = 300
    """Audio before the detected speech start that is kept for ASR."""
    tail_ms: int = 90
    """Audio after the last speech frame that is kept for ASR (at most ``speculative_ms``,
    so that the speculative take and the final take are the same audio)."""
    max_utterance_ms: int = 12000
    """An utterance is cut off after this long."""
    no_speech_timeout_ms: int = 4000
    """Without speech this long after listening starts, listening ends with NoSpeech."""
    wake_preroll_ms: int = 1500
    """Audio before the wake detection (the wake phrase) kept for the command capture."""
    prefix_join_ms: int = 450
    """If the command starts this soon after the wake detection, the wake phrase audio
    is transcribed with it (and stripped from the text) so the command's start is whole."""
    speculative_ms: int = 90
    """Non-speech after which ASR starts speculatively (0 disables speculation)."""


@dataclass(frozen=True)
class AsrConfig:
    """faster-whisper transcription."""

    model: str = ""
    """CTranslate2 Whisper model directory; empty = the bundled tiny.en."""
    compute_type: str = "int8"
    """CTranslate2 compute type."""
    cpu_threads: int = 2
    """Threads for inference."""
    beam_size: int = 1
    """Beam width (1 = greedy)."""
    language: str = "en"
    """Spoken language."""
    vocabulary: tuple[str, ...] = DEFAULT_VOCABULARY
    """Domain words biasing recognition (procedure titles are added at construction)."""
    commands: tuple[str, ...] = DEFAULT_COMMANDS
    """Spoken commands, also put in the initial prompt: short words like "pause" and
    "confirm" are otherwise heard as "of course" or "okay firm"."""
    use_hotwords: bool = False
    """Also pass the vocabulary as faster-whisper ``hotwords`` (initial prompt is always used)."""
    max_no_speech_prob: float = 0.6
    """A segment with no_speech_prob above this and a low avg_logprob is not speech."""
    min_avg_logprob: float = -1.0
    """avg_logprob below which a segment counts as doubtful."""
    reject_avg_logprob: float = -1.6
    """avg_logprob below which a segment is discarded outright."""
    alternatives: int = 5
    """Beam-search readings considered when a short transcript is not a command but a
    close reading is ("It's time." / "Stop."); 0 or 1 turns this off."""
    alternatives_max_words: int = 4
    """Only transcripts this short (words, wake phrase included) are decoded again."""
    alternatives_margin: float = 0.6
    """A command reading is taken if its mean log-probability per token is within this
    of the best reading's."""
    max_compression_ratio: float = 2.4
    """Segments more repetitive than this are hallucinations."""
    noise_phrases: tuple[str, ...] = (
        "thank you",
        "thanks",
        "you",
        "thanks for watching",
        "thank you for watching",
        "bye",
        "okay",
        "so",
        "the end",
        "music",
        "applause",
        "silence",
        "hmm",
    )
    """Whole transcripts that Whisper invents from noise; they are discarded."""


@dataclass(frozen=True)
class DenoiseConfig:
    """Suppression of steady background noise (fans) learnt from the non-speech audio."""

    wake: bool = True
    """Suppress it in the wake word's input. Measured on the fixtures at 10 dB SNR:
    wake words scoring >= 0.35 rose from 35/40 to 38/40."""
    asr: bool = False
    """Suppress it before transcription. Off by default: measured on the fixtures it did
    not lower Whisper's WER (10 dB: 16.4 % on vs 16.9 % off; 20 dB: 7.3 % vs 6.2 %)."""
    smoothing: float = 0.05
    """Weight of each new non-speech frame in the running noise spectrum."""
    min_frames: int = 10
    """Non-speech frames needed before the noise spectrum is trusted."""
    min_noise_dbfs: float = -65.0
    """Below this noise level the audio is passed through untouched."""
    over_subtraction: float = 1.5
    """How many times the noise power is subtracted from each bin."""
    gain_floor: float = 0.15
    """Lowest gain of a bin (keeps some noise, avoids "musical" artefacts)."""
    gain_smoothing_frames: int = 3
    """Gains are averaged over this many STFT frames (8 ms hop)."""


@dataclass(frozen=True)
class VoiceConfig:
    """All of the voice input."""

    mic: MicConfig = field(default_factory=MicConfig)
    replay: ReplayConfig = field(default_factory=ReplayConfig)
    gate: GateConfig = field(default_factory=GateConfig)
    wake: WakeConfig = field(default_factory=WakeConfig)
    endpoint: EndpointConfig = field(default_factory=EndpointConfig)
    asr: AsrConfig = field(default_factory=AsrConfig)
    denoise: DenoiseConfig = field(default_factory=DenoiseConfig)
