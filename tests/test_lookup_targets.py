"""Lookup targets, the fetch policy and upload checks, without a server."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sourcefinder.lookup.images import MAX_UPLOAD_BYTES, decode_upload, ocr_price, ocr_shipping, ocr_title
from sourcefinder.lookup.safety import FetchPolicy, RefusedURL, non_public
from sourcefinder.lookup.targets import TargetError, classify, classify_text, share_title
from sourcefinder.match.image_hashes import ImageError
from tests.badimages import png_header


def test_share_text_title_inside_corner_brackets():
    target = classify_text("【淘宝】https://m.tb.cn/h.gZ3kq 「陶瓷勺子家用喝汤18cm」 点击链接直接打开")
    assert target.kind == "share"
    assert target.text == "陶瓷勺子家用喝汤18cm"
    assert target.url == "https://m.tb.cn/h.gZ3kq"
    assert "needs the network" in target.note


def test_share_text_title_after_the_link():
    text = "【淘宝】https://m.tb.cn/h.abc 陶瓷勺子家用喝汤18cm"
    assert share_title(text, "https://m.tb.cn/h.abc") == "陶瓷勺子家用喝汤18cm"
    assert classify_text(text).text == "陶瓷勺子家用喝汤18cm"


def test_urls_titles_and_bad_text():
    assert classify_text("https://item.taobao.com/item.htm?id=1").kind == "url"
    assert classify_text("file:///etc/passwd").kind == "url"
    assert classify_text("陶瓷勺子 18cm").kind == "title"
    with pytest.raises(TargetError, match="empty"):
        classify_text("   ")
    with pytest.raises(TargetError, match="too long"):
        classify_text("勺" * 501)


def test_an_existing_file_is_an_image_target(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"x")
    assert classify(str(path)).kind == "image"
    assert classify(str(tmp_path / "missing.jpg")).kind == "title"


def resolver(address: str):
    return lambda host, port: [address]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "only http"),
        ("ftp://detail.1688.com/offer/1.html", "only http"),
        ("http://127.0.0.1:8000/offer/1.html", "not a supported site"),
        ("http://localhost/item.htm", "not a supported site"),
        ("http://[::1]/item.htm", "not a supported site"),
        ("http://169.254.169.254/latest/meta-data", "not a supported site"),
        ("https://example.com/item.htm", "not a supported site"),
        ("https://m.tb.cn/h.abc", "needs the network"),
        ("https://detail.1688.com/", "not a product page"),
    ],
)
def test_policy_refuses(url, reason):
    with pytest.raises(RefusedURL, match=reason):
        FetchPolicy(resolver=resolver("8.8.8.8")).spider_for(url)


@pytest.mark.parametrize(
    ("address", "kind"),
    [("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("192.168.1.1", "private"), ("169.254.169.254", "link-local"),
     ("::1", "loopback"), ("fe80::1", "link-local"), ("::ffff:127.0.0.1", "loopback"), ("0.0.0.0", "unspecified")],
)  # fmt: skip
def test_supported_names_resolving_to_non_public_addresses_are_refused(address, kind):
    assert non_public(address) == kind
    with pytest.raises(RefusedURL, match=f"resolves to {kind}"):
        FetchPolicy(resolver=resolver(address)).spider_for("https://detail.1688.com/offer/1.html")


def test_policy_allows_supported_public_pages_and_trusted_local_servers():
    public = FetchPolicy(resolver=resolver("8.8.8.8"))
    assert public.spider_for("https://detail.1688.com/offer/123.html") == "factory"
    assert public.spider_for("https://item.taobao.com/item.htm?id=1") == "retail"
    assert public.spider_for("https://detail.tmall.com/item.htm?id=1") == "retail"
    local = FetchPolicy(trusted=("127.0.0.1:8123",))
    assert local.spider_for("http://127.0.0.1:8123/1688/offer/5.html") == "factory"
    with pytest.raises(RefusedURL):
        local.spider_for("http://127.0.0.1:8124/1688/offer/5.html")


def test_uploads_must_be_images_within_the_limits():
    with pytest.raises(ImageError, match="pixel limit"):
        decode_upload(png_header(7_000, 7_000))
    with pytest.raises(ImageError, match="pixel limit|decompression bomb"):
        decode_upload(png_header(50_000, 50_000))
    with pytest.raises(ImageError, match="cannot decode"):
        decode_upload(b"<html>not an image</html>")
    with pytest.raises(ImageError, match="upload limit"):
        decode_upload(b"\0" * (MAX_UPLOAD_BYTES + 1))
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="PNG")
    assert decode_upload(out.getvalue()).size == (40, 30)


def test_title_price_and_shipping_read_from_ocr_lines():
    lines = [
        ((10, 10, 300, 30), "淘宝 天猫"),
        ((10, 50, 700, 90), "正品ins风特价家用日式北欧"),
        ((10, 92, 500, 132), "汤碗6英寸陶瓷"),
        ((10, 150, 200, 170), "¥17.90 · 极客旗舰店"),
        ((10, 180, 200, 200), "快递: 包邮"),
    ]
    assert ocr_title(lines) == "正品ins风特价家用日式北欧汤碗6英寸陶瓷"
    assert ocr_price(lines) == 17.9
    assert ocr_shipping(lines) == 0.0
    assert ocr_shipping([((0, 0, 1, 1), "运费 ¥6.00")]) == 6.0
