"""Anti-bot and login walls are recognised; real product and search pages are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcefinder.sites.walls import detect_wall

REAL = Path(__file__).parent / "fixtures" / "real-pages"


@pytest.mark.parametrize(
    "name", ["1688/antibot_login_jump_from_offer_search.html", "taobao/antibot_tmall_detail_login_jump.html"]
)
def test_real_login_jump_pages_are_walls(name):
    body = (REAL / name).read_bytes()
    assert detect_wall(body) == "login_jump page"


def test_login_jump_without_its_redirect_script_is_still_a_wall():
    body = (REAL / "1688/antibot_login_jump_from_offer_search.html").read_text(encoding="utf-8")
    assert detect_wall(body.split("var jump")[0] + "<!--rgv587_flag:sm-->") == "rgv587_flag"
    only_config = body[body.find("window._config_") :].replace("<!--rgv587_flag:sm-->", "")
    assert detect_wall(only_config) == "login redirect"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            '{"api":"mtop.relationrecommend.wirelessrecommend.recommend","ret":["RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"],"data":{}}',
            "mtop RGV587_ERROR",
        ),
        (
            '{"api":"mtop.taobao.detail.getdetail","ret":["FAIL_SYS_USER_VALIDATE::请登录"]}',
            "mtop FAIL_SYS_USER_VALIDATE",
        ),
        (
            '<script>location.href="https://s.1688.com/_____tmd_____/punish?x5secdata=xd2f&x5step=1"</script>',
            "punish page",
        ),
        (
            '<form action="/_____tmd_____/verify/"><input type="hidden" name="x5secdata" value="abc"></form>',
            "x5sec captcha",
        ),
    ],
    ids=["rgv587", "user validate", "punish", "x5sec form"],
)
def test_hand_made_walls(body, reason):
    assert detect_wall(body) == reason


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://login.taobao.com/member/login.jhtml?redirectURL=x", "login redirect"),
        ("https://login.1688.com/member/signin.htm?from=sm", "login redirect"),
        ("https://s.1688.com/selloffer/offer_search.htm/_____tmd_____/punish?x5secdata=x", "punish page"),
        ("https://detail.tmall.com/item.htm%2F_____tmd_____%2Fpage%2Flogin_jump", "login_jump page"),
    ],
)
def test_wall_urls(url, reason):
    assert detect_wall("", url) == reason


@pytest.mark.parametrize(
    "name",
    [
        "1688/detail_pc_od2024_offer769706957407.html",
        "1688/detail_pc_od2024_offer769706957407_context_result.json",
        "1688/mobile_init_data_excerpt_offer813724060928.json",
        "1688/mtop_mbox_gateway_skus_offer813724060928.json",
        "1688/description_offer813724060928.txt",
        "1688/search_pc_offer_search_shell.html",
        "1688/search_results_tmapi_style_bags.json",
        "taobao/search_g_page_config_q-nvbao_2017-2018.json",
        "taobao/tmall_h5_detail_item583789686010__DATA_Detail.json",
        "taobao/tmall_h5_detail_item583789686010__DATA_Mdskip.json",
    ],
)
def test_real_pages_are_not_walls(name):
    assert detect_wall((REAL / name).read_bytes(), "https://detail.1688.com/offer/769706957407.html") is None


def test_a_page_that_mentions_login_urls_is_not_a_wall():
    # _DATA_Detail carries "loginUrl": "//login.tmall.com/?" and a successful mtop body says SUCCESS.
    assert (
        detect_wall(
            '{"jumpUrl": {"apis": {"loginUrl": "//login.tmall.com/?"}}, "ret": ["SUCCESS::调用成功"]}'
        )
        is None
    )
