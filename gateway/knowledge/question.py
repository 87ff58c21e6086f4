"""What kind of question is this: safety-related, a symptom, or plain?

Safety questions get the cited documents' warnings read verbatim; symptom
questions are answered with probable causes from troubleshooting documents.
"""

from __future__ import annotations

import re

from gateway.knowledge.chunks import Chunk

_SAFETY = re.compile(
    r"\b(lock[\s-]?out|tag[\s-]?out|loto|arc[\s-]?flash|refrigerants?|fire[\s-]?suppression|"
    r"clean[\s-]?agent|fm[\s-]?200|novec|inergen|ppe|personal protective|energi[sz]ed|"
    r"electrocut\w*|shock|live (?:work|parts?|circuits?)|zero energy|hazard\w*|"
    r"confined space|battery room|hydrogen|acid|burns?)\b",
    re.IGNORECASE,
)
_SYMPTOM = re.compile(
    r"\b(why|what(?:'s| is)? caus\w*|causes?|short[\s-]?cycl\w*|keeps?|won'?t|will not|"
    r"not (?:cool\w*|start\w*|running|working|draining)|doesn'?t|trip(?:s|ping|ped)?|"
    r"nois[ey]\w*|rattl\w*|vibrat\w*|leak\w*|ic(?:ed|ing)|frost\w*|overheat\w*|hunting|"
    r"fault\w*|fail\w*|symptoms?|troubleshoot\w*|flood\w*|overflow\w*|humming|smell\w*)\b",
    re.IGNORECASE,
)
_TROUBLESHOOTING = re.compile(
    r"\b(probable causes?|possible causes?|likely causes?|causes?|symptoms?|troubleshoot\w*|"
    r"diagnos\w*)\b",
    re.IGNORECASE,
)


_CAUSES = re.compile(r"\b(probable|possible|likely|common) causes?\b|\bcauses?\b.*\bsymptoms?\b|"
                     r"\bsymptoms?\b.*\bcauses?\b", re.IGNORECASE)


def is_safety_question(question: str) -> bool:
    """The question touches lockout, arc flash, refrigerant, fire suppression or PPE."""
    return bool(_SAFETY.search(question))


_PROCEDURAL = re.compile(
    r"\b(how (?:do|can|should|would) (?:i|we|you)|how to|what (?:are )?the steps|walk me)\b|"
    r"^\s*(start|open|show|read|go to)\b", re.IGNORECASE)


def is_symptom_question(question: str) -> bool:
    """The question describes a fault ("compressor short-cycling", "why does it trip"),
    rather than asking how to do something ("how do I restart it after a trip")."""
    return bool(_SYMPTOM.search(question)) and not _PROCEDURAL.search(question)


def lists_causes(chunk: Chunk) -> bool:
    """The chunk itself names probable causes (a troubleshooting table or list)."""
    return bool(_CAUSES.search(chunk.section) or _CAUSES.search(chunk.text))


def is_troubleshooting(chunk: Chunk) -> bool:
    """The chunk lists probable causes or belongs to a troubleshooting/diagnosis document."""
    return bool(_TROUBLESHOOTING.search(chunk.title) or _TROUBLESHOOTING.search(chunk.section)
                or re.search(r"\b(probable|possible|likely) causes?\b", chunk.text, re.I))
