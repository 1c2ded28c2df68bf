#!/usr/bin/env python3
"""Drives the LienThong archive web UI in headless Chromium (Debian's chromium + chromium-driver, Python selenium):
log in, search "quyet dinh" without accents, open the packet, download a file and check its bytes.

Then, at window widths 1024 and 1280: the date filter takes and shows dd/mm/yyyy whatever the browser's locale (and
says so when a date is no date), no number/notation cell wraps, no page is wider than the window, the packet page
shows each document's legal value; screenshots of the search and packet pages go to SCREENSHOT_DIR.

usage: web_browser_test.py BASE_URL USER PASSWORD DOWNLOAD_DIR EXPECTED_FILE_NAME EXPECTED_BYTES_PATH [SCREENSHOT_DIR]
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
    screenshots = sys.argv[7] if len(sys.argv) > 7 else None
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
    options.add_argument("--lang=en-US")  # a locale whose date inputs would read mm/dd/yyyy
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
        if screenshots:
            check_pages(driver, wait, base, screenshots)
        print("ok")
    finally:
        driver.quit()


def one_line(driver, selector):
    """The elements matching selector that render on more than one line (a word broken inside)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".filter(e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > "
        "1.6 * parseFloat(getComputedStyle(e).lineHeight || '20')).map(e => e.textContent);", selector)


def no_horizontal_scroll(driver):
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;")


def fits_and_shoot(driver, screenshots, page, width, numbers):
    """Asserts that no element matching numbers wraps and that the page is no wider than the window; saves its PNG."""
    broken = one_line(driver, numbers)
    assert not broken, "at %d px on the %s page these wrap: %r" % (width, page, broken)
    assert no_horizontal_scroll(driver), "the %s page is wider than %d px" % (page, width)
    path = os.path.join(screenshots, "%s-%d.png" % (page, width))
    driver.save_screenshot(path)
    print("screenshot", path)


def check_pages(driver, wait, base, screenshots):
    os.makedirs(screenshots, exist_ok=True)
    for width in (1024, 1280):
        driver.set_window_size(width, 1000)
        driver.get(base + "/?q=quyet+dinh")
        field = driver.find_element(By.ID, "tu-ngay")
        assert field.get_attribute("type") == "text", "the date filter is a browser date input (locale-dependent)"
        assert field.get_attribute("placeholder") == "dd/mm/yyyy", field.get_attribute("placeholder")
        field.clear()
        field.send_keys("01/01/2020")
        driver.find_element(By.ID, "tim").click()
        wait.until(lambda d: "from=01" in d.current_url)
        shown = driver.find_element(By.ID, "tu-ngay").get_attribute("value")
        assert shown == "01/01/2020", "the date is shown back as " + shown
        count = driver.find_element(By.ID, "so-ket-qua").text
        assert "Tìm thấy 1 văn bản" in count, "with the date filter: " + count
        for cell in driver.find_elements(By.CSS_SELECTOR, "td.ngay"):
            assert len(cell.text) == 10 and cell.text[2] == "/" and cell.text[5] == "/", "date cell: " + cell.text
        fits_and_shoot(driver, screenshots, "search", width, "a.van-ban")
        driver.find_element(By.CSS_SELECTOR, "a.van-ban").click()
        wait.until(lambda d: "Quyết định" in d.find_element(By.TAG_NAME, "h1").text)
        legal = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".gia-tri-phap-ly")]
        assert legal and all(t in ("CÓ GIÁ TRỊ PHÁP LÝ", "CHỈ CÓ GIÁ TRỊ THAM KHẢO") for t in legal), \
            "legal value on the packet page: %r" % legal
        fits_and_shoot(driver, screenshots, "packet", width, "h1 .so-ky-hieu")
    # The filter really filters: nothing was issued up to 01/01/2020, so the same search finds nothing.
    driver.get(base + "/?q=quyet+dinh&to=01%2F01%2F2020")
    count = driver.find_element(By.ID, "so-ket-qua").text
    assert "Tìm thấy 0 văn bản" in count, "issued up to 01/01/2020: " + count
    assert driver.find_element(By.ID, "den-ngay").get_attribute("value") == "01/01/2020"
    # A date that is no date is said so, not silently ignored.
    driver.get(base + "/?q=quyet+dinh&from=31%2F02%2F2026")
    message = driver.find_element(By.ID, "loi-ngay").text
    assert "31/02/2026" in message and "ngày/tháng/năm" in message, "bad date message: " + message


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print("FAILED:", error, file=sys.stderr)
        sys.exit(1)
