"""LibreOffice reads the redline: it converts it to PDF, and its own "Accept All" /
"Reject All" give the new and the old draft's text."""
import shutil
import subprocess

import pytest

from reportgen.diff import redline_docx
from tests.diff.helpers import DATE, draft
from tests.diff.test_redline import NEW_PARAGRAPH, PAIRS

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")]

# Opens a document hidden, optionally runs a Review command, stores it as UTF-8 text.
MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub ReviewAll(listFile As String)
  n = FreeFile()
  Open listFile For Input As #n
  Do While Not EOF(n)
    Line Input #n, spec
    parts = Split(spec, &quot;|&quot;)
    ReviewOne(parts(0), parts(1), parts(2))
  Loop
  Close #n
End Sub

Sub ReviewOne(source As String, target As String, action As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), &quot;_blank&quot;, 0, args())
  If action &lt;&gt; &quot;None&quot; Then
    helper = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
    helper.executeDispatch(doc.getCurrentController().getFrame(), &quot;.uno:&quot; &amp; action, &quot;&quot;, 0, Array())
  End If
  Dim out(1) As New com.sun.star.beans.PropertyValue
  out(0).Name = &quot;FilterName&quot;
  out(0).Value = &quot;Text (encoded)&quot;
  out(1).Name = &quot;FilterOptions&quot;
  out(1).Value = &quot;UTF8&quot;
  doc.storeToURL(ConvertToURL(target), out())
  doc.close(True)
End Sub
</script:module>
"""


def soffice(profile, *arguments, timeout=240):
    return subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", *arguments],
        capture_output=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    """A LibreOffice user profile of our own, with the review macro installed."""
    folder = tmp_path_factory.mktemp("lo") / "profile"
    soffice(folder, "--terminate_after_init")
    module = folder / "user" / "basic" / "Standard" / "Module1.xba"
    assert module.parent.is_dir(), "LibreOffice did not create its profile"
    module.write_text(MACRO, encoding="utf-8")
    return folder


def test_libreoffice_converts_the_redline_to_pdf(tmp_path):
    source = tmp_path / "redline.docx"
    source.write_bytes(redline_docx(draft(), draft(total=812, insert_after=3,
                                                    inserted=NEW_PARAGRAPH), date=DATE))
    done = soffice(tmp_path / "profile", "--convert-to", "pdf", "--outdir", str(tmp_path),
                   str(source))
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "redline.pdf"
    assert pdf.is_file()
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert "BÁO CÁO" in text and "1.250 người nghiện" in text and "812/1.200" in text


def all_pairs() -> dict[str, tuple[bytes, bytes]]:
    pairs = {case: (draft(**old), draft(**new)) for case, (old, new) in PAIRS.items()}
    try:
        from tests.diff.test_rendered import rendered_pairs
    except pytest.skip.Exception:  # no renderer yet
        return pairs
    pairs.update({f"rendered {case}": pair for case, pair in rendered_pairs().items()})
    return pairs


def test_libreoffice_accept_all_gives_new_and_reject_all_gives_old(profile, tmp_path):
    jobs, expected = [], []
    pairs = all_pairs()
    for number, case in enumerate(sorted(pairs)):
        old, new = pairs[case]
        paths = {name: tmp_path / f"{number}-{name}.docx" for name in ("old", "new", "red")}
        paths["old"].write_bytes(old)
        paths["new"].write_bytes(new)
        paths["red"].write_bytes(redline_docx(old, new, date=DATE))
        for source, action, label in (("old", "None", "old"), ("new", "None", "new"),
                                      ("red", "AcceptAllTrackedChanges", "accepted"),
                                      ("red", "RejectAllTrackedChanges", "rejected")):
            jobs.append(f"{paths[source]}|{tmp_path / f'{number}-{label}.txt'}|{action}")
        expected.append((case, number))
    listing = tmp_path / "jobs.txt"
    listing.write_text("\n".join(jobs) + "\n", encoding="ascii")
    done = soffice(profile, f'macro:///Standard.Module1.ReviewAll("{listing}")')
    assert done.returncode == 0, done.stderr

    def text(number, label):
        return (tmp_path / f"{number}-{label}.txt").read_text(encoding="utf-8-sig")

    for case, number in expected:
        assert text(number, "accepted") == text(number, "new"), case
        assert text(number, "rejected") == text(number, "old"), case
