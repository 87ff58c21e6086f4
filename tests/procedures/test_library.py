"""The local library: loading a site, finding procedures by spoken name, by tag, by alarm."""

from __future__ import annotations

from pathlib import Path

import pytest

from glasses.procedures import Library
from glasses.procedures.library import score, words
from protocol.equipment import EquipmentError, parse_registry
from protocol.procedure import parse_document

from .helpers import SAMPLE_SITE, SITE, steps


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(SITE)


def ids(docs: object) -> list[str]:
    return [getattr(d, "document", d).id for d in docs]  # type: ignore[attr-defined]


def test_load_site(library: Library) -> None:
    assert len(library.documents) == 5 and len(library.procedures) == 4
    assert len(library.registry) == 4
    doc = library.get(" CRAC-HP-Trip-Recovery ")
    assert doc is not None and doc.title == "CRAC compressor high-pressure trip recovery"
    assert library.get("nope") is None


@pytest.mark.parametrize(
    ("spoken", "expected"),
    [
        ("start the compressor restart procedure", "crac-hp-trip-recovery"),
        ("compresser restart", "crac-hp-trip-recovery"),  # ASR slip
        ("high pressure trip", "crac-hp-trip-recovery"),
        ("crac filter replacement", "crac-filter-replacement"),
        ("the filters", "crac-filter-replacement"),
        ("chiller start up", "chiller-startup"),
        ("stop the chiller", "chiller-shutdown"),
        ("crac-hp-trip-recovery", "crac-hp-trip-recovery"),
    ],
)
def test_find_by_spoken_name(library: Library, spoken: str, expected: str) -> None:
    found = library.find(spoken)
    assert found is not None and found.document.id == expected
    assert 0.5 <= found.score <= 1.0


def test_candidates_are_scored_best_first(library: Library) -> None:
    ranked = library.search("compressor restart procedure")
    assert ids(ranked)[0] == "crac-hp-trip-recovery"
    assert ranked[0].matched == ("compressor", "restart")
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert all(c.score > 0 for c in ranked)


def test_ambiguous_or_unknown_names_find_nothing(library: Library) -> None:
    assert sorted(ids(library.search("chiller"))) == ["chiller-shutdown", "chiller-startup"]
    assert library.find("chiller") is None  # two equally good: ask which one
    assert library.find("make coffee") is None
    assert library.search("make coffee") == ()
    assert library.search("the procedure") == ()  # nothing but filler words
    assert library.find("crac") is None
    assert library.search("fix zzz") == ()  # short unknown words are not fuzzy-matched


def test_reference_documents_only_on_request(library: Library) -> None:
    assert "crac-alarm-codes" not in ids(library.search("alarm codes"))
    assert ids(library.search("alarm code table", procedures_only=False))[0] == "crac-alarm-codes"
    exact = library.search("crac-alarm-codes")  # an id outside the pool is scored, not exact
    assert "crac-alarm-codes" not in ids(exact)
    assert len(library.search("crac", limit=2)) == 2


def test_for_equipment_and_alarm(library: Library) -> None:
    assert ids(library.for_equipment("crac-01")) == [
        "crac-hp-trip-recovery",
        "crac-filter-replacement",
    ]
    assert ids(library.for_equipment("CH-1")) == ["chiller-startup", "chiller-shutdown"]
    assert ids(library.for_alarm(" a31 ")) == ["crac-filter-replacement", "crac-alarm-codes"]
    assert library.for_alarm("Z99") == ()


def test_words_and_scores() -> None:
    assert words("Start the CRAC filters-replacement, please", spoken=True) == [
        "crac",
        "filter",
        "replacement",
    ]
    assert words("chiller start-up") == ["chiller", "start"]
    assert words("batteries glass") == ["battery", "glass"]
    blank_title = parse_document(steps("1. x.").replace('"Test procedure"', '"The procedure"'))
    assert score("procedure for test", blank_title).score > 0  # matched through its id
    assert score("", blank_title).score == 0.0


def test_library_from_documents_and_folders(tmp_path: Path) -> None:
    doc = parse_document(steps("1. x."))
    bare = Library([doc])
    assert len(bare.registry) == 0 and bare.for_equipment("CRAC-01") == ()
    (tmp_path / "a.md").write_text(steps("1. x."))
    assert ids(Library.load(tmp_path).documents) == ["test-proc"]
    with pytest.raises(ValueError, match="document ids must be unique"):
        Library([doc, doc])
    registry = parse_registry('[[equipment]]\ntag = "X"\ntype = "ups"\nprocedures = ["gone"]\n')
    with pytest.raises(EquipmentError, match="X: procedure 'gone' is not the id of any document"):
        Library([doc], registry)


@pytest.mark.skipif(not (SAMPLE_SITE / "docs").is_dir(), reason="sample site not written yet")
def test_sample_site_compressor_restart() -> None:
    library = Library.load(SAMPLE_SITE)
    found = library.find("start the compressor restart procedure")
    assert found is not None and found.document.id == "crac-hp-trip-recovery"
