"""DirSource on the shared corpus and on small folders built in tmp_path."""

from __future__ import annotations

import shutil

import pytest

from flows.sources import DirSource, FetchError, ManifestError, SourceError, read_stamp

pytestmark = pytest.mark.corpus

MANIFEST_HEADER = "file,arxiv_id,arxiv_version,id_source,sha256,title_guess\n"


@pytest.fixture(scope="module")
def corpus_papers(corpus_pdf_dir):
    """``DirSource(shared/corpus/pdfs).list_papers()``, computed once (hashes 146 MB)."""
    return DirSource(corpus_pdf_dir).list_papers()


def test_corpus_lists_every_pdf_sorted_with_manifest_ids(corpus_papers, corpus_manifest_rows):
    assert len(corpus_papers) == 123
    names = [p.local_path.name for p in corpus_papers]
    assert names == sorted(names)
    by_file = {r["file"]: r for r in corpus_manifest_rows}
    for ref in corpus_papers:
        row = by_file[ref.local_path.name]
        assert ref.sha256 == row["sha256"]
        assert ref.source == "dir"
        if row["arxiv_id"]:
            assert (ref.arxiv_id, ref.version or "") == (row["arxiv_id"], row["arxiv_version"])
            assert (ref.paper_id, ref.id_source) == (row["arxiv_id"], "manifest")
        else:
            assert ref.paper_id in (ref.arxiv_id, f"file:{row['sha256'][:16]}")


def test_corpus_resnet_and_manual_matches(corpus_papers):
    by_file = {p.local_path.name: p for p in corpus_papers}
    resnet = by_file["1512.03385v1.pdf"]
    assert (resnet.paper_id, resnet.arxiv_id, resnet.version) == ("1512.03385", "1512.03385", "v1")
    assert resnet.title.startswith("Deep Residual Learning for Image Recognition")
    assert resnet.abs_url == "https://arxiv.org/abs/1512.03385v1"
    rcnn = by_file["1311.2524.pdf"]  # conference version matched by title: no arXiv version
    assert (rcnn.arxiv_id, rcnn.version, rcnn.id_source) == ("1311.2524", None, "manifest")
    alexnet = by_file["AlexNet.pdf"]
    assert alexnet.arxiv_id is None and alexnet.id_source == "none"
    assert alexnet.paper_id == f"file:{alexnet.sha256[:16]}"


def test_listing_is_deterministic(corpus_pdf_dir, corpus_papers):
    assert DirSource(corpus_pdf_dir).list_papers() == corpus_papers


def test_without_manifest_ids_come_from_stamp_filename_or_nowhere(corpus_pdf_dir, tmp_path):
    shutil.copy(corpus_pdf_dir / "1512.03385v1.pdf", tmp_path / "resnet.pdf")
    shutil.copy(corpus_pdf_dir / "1408.5882v2.pdf", tmp_path / "kim-sentence-cnn.pdf")
    shutil.copy(corpus_pdf_dir / "1512.03385v1.pdf", tmp_path / "1706.03762v5.pdf")  # name wins
    (tmp_path / "garbage.pdf").write_bytes(b"this is not a PDF at all")
    (tmp_path / "notes.txt").write_text("ignored")

    refs = {r.local_path.name: r for r in DirSource(tmp_path).list_papers()}

    assert sorted(refs) == ["1706.03762v5.pdf", "garbage.pdf", "kim-sentence-cnn.pdf", "resnet.pdf"]
    assert (refs["resnet.pdf"].arxiv_id, refs["resnet.pdf"].version, refs["resnet.pdf"].id_source) == (
        "1512.03385", "v1", "stamp")
    assert (refs["kim-sentence-cnn.pdf"].paper_id, refs["kim-sentence-cnn.pdf"].version) == ("1408.5882", "v2")
    assert (refs["1706.03762v5.pdf"].paper_id, refs["1706.03762v5.pdf"].id_source) == (
        "1706.03762", "filename")
    garbage = refs["garbage.pdf"]
    assert (garbage.arxiv_id, garbage.id_source) == (None, "none")
    assert garbage.paper_id == f"file:{garbage.sha256[:16]}"
    assert refs["resnet.pdf"].title is None


def test_scanned_pdf_without_text_layer_has_no_id(corpus_pdf_dir):
    assert read_stamp(corpus_pdf_dir / "Char_Embed_CNN.pdf") is None


def test_missing_folder_says_what_to_do(tmp_path):
    with pytest.raises(SourceError, match="does not exist.*create it") as caught:
        DirSource(tmp_path / "nope").list_papers()
    assert caught.value.path == str(tmp_path / "nope")


def test_manifest_beside_pdfs_is_used(corpus_pdf_dir, tmp_path):
    shutil.copy(corpus_pdf_dir / "AlexNet.pdf", tmp_path / "a.pdf")
    (tmp_path / "manifest.csv").write_text(MANIFEST_HEADER + "a.pdf,1234.5678,v3,title-manual,,Some Title\n")
    (ref,) = DirSource(tmp_path).list_papers()
    assert (ref.paper_id, ref.version, ref.title, ref.id_source) == ("1234.5678", "v3", "Some Title", "manifest")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("a.pdf,not-an-id,,x,,t", "row 2 .*not an arXiv identifier"),
        ("a.pdf,1234.5678v2,,x,,t", "row 2 .*carries a version"),
        ("a.pdf,1234.5678,2,x,,t", "row 2 .*arxiv_version '2'"),
        ("a.pdf,1234.5678,v1,x,xyz,t", "row 2 .*sha256"),
        ("ok.pdf,,,none,,t", "row 2 .*duplicate of row 1"),
        (",1234.5678,v1,x,,t", "row 2 .*empty 'file'"),
    ],
)
def test_bad_manifest_row_is_named(tmp_path, row, message):
    (tmp_path / "manifest.csv").write_text(MANIFEST_HEADER + "ok.pdf,,,none,,t\n" + row + "\n")
    with pytest.raises(ManifestError, match=message) as caught:
        DirSource(tmp_path).list_papers()
    assert caught.value.row == 2


def test_manifest_sha256_must_match_the_file(corpus_pdf_dir, tmp_path):
    shutil.copy(corpus_pdf_dir / "1408.5882v2.pdf", tmp_path / "1408.5882v2.pdf")
    (tmp_path / "manifest.csv").write_text(MANIFEST_HEADER + "1408.5882v2.pdf,1408.5882,v2,x," + "0" * 64 + ",t\n")
    with pytest.raises(ManifestError, match="regenerate"):
        DirSource(tmp_path).list_papers()


def test_manifest_without_required_columns(tmp_path):
    (tmp_path / "manifest.csv").write_text("name,id\nx.pdf,1\n")
    with pytest.raises(ManifestError, match="lacks column"):
        DirSource(tmp_path).list_papers()


def test_dir_fetch_pdf_returns_listed_ref(corpus_pdf_dir, tmp_path):
    shutil.copy(corpus_pdf_dir / "1408.5882v2.pdf", tmp_path / "k.pdf")
    source = DirSource(tmp_path)
    (ref,) = source.list_papers()
    assert source.fetch_pdf(ref) is ref
    (tmp_path / "k.pdf").unlink()
    with pytest.raises(FetchError, match="missing"):
        source.fetch_pdf(ref)
