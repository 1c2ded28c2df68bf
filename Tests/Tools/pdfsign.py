#!/usr/bin/env python3
"""PDFs for the legal-validity tests, signed by an outside signer (pyHanko), not by LienThong.

  pdfsign.py plain OUT                          a one-page PDF, unsigned
  pdfsign.py sign IN OUT KEY CERT [CHAIN]       sign IN with pyHanko (PAdES, detached CMS)
  pdfsign.py append IN OUT                      add an incremental update after the signature (a changed title)
  pdfsign.py flip IN OUT                        change one byte inside the signed range
"""
import io
import sys


def plain(out):
    from pyhanko.pdf_utils import generic, writer
    w = writer.PdfFileWriter()
    content = w.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (Quyet dinh so 125) Tj ET"))
    w.insert_page(writer.PageObject(contents=content, media_box=[0, 0, 595, 842]))
    buffer = io.BytesIO()
    w.write(buffer)
    open(out, "wb").write(buffer.getvalue())


def sign(source, out, key, cert, chain=None):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(chain,) if chain else ())
    with open(source, "rb") as handle:
        result = signers.sign_pdf(IncrementalPdfFileWriter(handle), signers.PdfSignatureMetadata(field_name="ChuKy"), signer=signer)
    open(out, "wb").write(result.getvalue())


def append(source, out):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    with open(source, "rb") as handle:
        w = IncrementalPdfFileWriter(handle)
        info = w.set_info(generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("Đã sửa")}))
        buffer = io.BytesIO()
        w.write(buffer)
    open(out, "wb").write(buffer.getvalue())


def flip(source, out):
    data = bytearray(open(source, "rb").read())
    index = data.find(b"Quyet dinh so 125")
    assert index > 0
    data[index] = ord("q")
    open(out, "wb").write(bytes(data))


if __name__ == "__main__":
    command = sys.argv[1]
    {"plain": lambda: plain(sys.argv[2]), "sign": lambda: sign(*sys.argv[2:]), "append": lambda: append(sys.argv[2], sys.argv[3]),
     "flip": lambda: flip(sys.argv[2], sys.argv[3])}.get(command, lambda: sys.exit(__doc__))()
