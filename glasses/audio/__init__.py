"""Voice input of the glasses: audio sources, speech gate, wake word, endpointing, ASR.

Heavy libraries (faster-whisper, pyopen-wakeword, sounddevice) are imported only
when a model or device is loaded.
"""

from glasses.audio.config import VoiceConfig
from glasses.audio.events import (
    NoSpeech,
    SpeechEnd,
    SpeechStart,
    Transcript,
    VoiceEvent,
    WakeDetected,
)
from glasses.audio.wav import WavError, wav_to_chunks

__all__ = [
    "NoSpeech",
    "SpeechEnd",
    "SpeechStart",
    "Transcript",
    "VoiceConfig",
    "VoiceEvent",
    "WakeDetected",
    "WavError",
    "wav_to_chunks",
]
