"""Chinese first: an English browser still gets Chinese until the user switches."""


def test_the_ui_is_chinese_even_for_an_english_browser(client, city):
    body = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in body and "登录" in body


def test_the_switch_to_english_sticks_and_back_to_chinese(client, city):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert 'lang="en"' in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert 'lang="zh-hans"' in client.get("/login/").content.decode()
