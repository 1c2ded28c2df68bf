#!/usr/bin/env python3
"""Drives the LienThong archive web UI in headless Chromium (Debian's chromium + chromium-driver, Python selenium):
log in, search "quyet dinh" without accents, open the packet, download a file and check its bytes.

usage: web_browser_test.py BASE_URL USER PASSWORD DOWNLOAD_DIR EXPECTED_FILE_NAME EXPECTED_BYTES_PATH
exit 0 on success; 77 when selenium or the driver is missing (the caller skips); 1 on failure.
"""
import os
import shutil
import sys
import time

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
except ImportError:
    print("selenium is not installed", file=sys.stderr)
    sys.exit(77)


def main():
    base, user, password, downloads, name, expected_path = sys.argv[1:7]
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not os.path.exists(driver_path):
        print("chromedriver is not installed", file=sys.stderr)
        sys.exit(77)
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    for binary in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if binary and os.path.exists(binary):
            options.binary_location = binary
            break
    options.add_experimental_option("prefs", {
        "download.default_directory": downloads, "download.prompt_for_download": False,
        "safebrowsing.enabled": True,
    })
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    # A click that submits a form returns before the next page is there: look for elements until they appear.
    driver.implicitly_wait(20)
    # A page replaced while an element of it is read shows as a stale element, or (Chromium 156) as a generic
    # "Node with given id does not belong to the document": both mean "look again", until the wait's own timeout.
    wait = WebDriverWait(driver, 20, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException,
                                                         WebDriverException))
    try:
        driver.get(base + "/")
        assert "/dang-nhap" in driver.current_url, "no session: expected the login page, got " + driver.current_url
        driver.find_element(By.ID, "username").send_keys(user)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "dang-nhap").click()
        box = driver.find_element(By.ID, "q")
        box.send_keys("quyet dinh")
        driver.find_element(By.ID, "tim").click()
        wait.until(lambda d: "Tìm thấy" in d.find_element(By.ID, "so-ket-qua").text)
        count = driver.find_element(By.ID, "so-ket-qua").text
        assert "Tìm thấy 1 văn bản" in count, "result count: " + count
        driver.find_element(By.CSS_SELECTOR, "a.van-ban").click()
        wait.until(lambda d: "Quyết định" in d.find_element(By.TAG_NAME, "h1").text)
        driver.find_element(By.ID, "kiem-tra").click()
        verdict = wait.until(lambda d: d.find_element(By.ID, "ket-qua-kiem-tra").text)
        assert "Đã kiểm tra: hợp lệ" in verdict, "verification: " + verdict
        driver.find_element(By.CSS_SELECTOR, "a.tai-tep").click()
        target = os.path.join(downloads, name)
        deadline = time.time() + 30
        while time.time() < deadline and not os.path.exists(target):
            time.sleep(0.2)
        assert os.path.exists(target), "not downloaded: " + str(os.listdir(downloads))
        with open(target, "rb") as got, open(expected_path, "rb") as want:
            assert got.read() == want.read(), "downloaded bytes differ"
        print("ok")
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print("FAILED:", error, file=sys.stderr)
        sys.exit(1)
