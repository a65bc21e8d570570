#!/usr/bin/python3
"""Open a trace in speedscope, in headless Chromium, and check what it shows.

    trace/browser/view.py build/trace.json --png build/trace-speedscope.png

speedscope (pinned in trace/browser/package-lock.json; `make setup-browser`
installs it into build/speedscope) and the trace are served over HTTP on a
free port of 127.0.0.1, and Chromium opens speedscope's page with the
trace's address in the URL fragment (#profileURL=...), as a user would.
The trace is opened twice, in one browser:

1. as the same slices written as begin/end ("B"/"E") pairs
   (loupetrace.begin_end, saved with --begin-end), where every boundary
   is a number in the file, so no arithmetic of the viewer can move it;
2. as given, with its complete ("X") slices, whose ends speedscope
   computes as ts + dur in floating point (docs/tracing.md, "Opening a
   trace in speedscope"; trace/convert.py writes durations that make
   those sums exact).

Each import must succeed with the Trace Event Format importer, show one
profile per thread that has slices, named as the trace names them, and
raise no alert, error message or error screen, and neither may print a
single console warning or error.

--excuse-nesting is for traces from other tools, whose durations are
plain decimals: the file as given may then show speedscope's own nesting
warnings, but only while the begin/end copy of the very same slices shows
none, so that they come from speedscope's arithmetic, not from the trace.

Exit status 0 if every check passes, 1 with the reasons if not, 2 if a
tool is missing. --report writes everything seen (console messages,
profile names, counts) as JSON.
"""
import argparse
import functools
import http.server
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
import loupetrace  # noqa: E402

SPEEDSCOPE = os.path.join(ROOT, "build", "speedscope", "node_modules", "speedscope")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
VIEWPORT = (1280, 720)
# Generous: Chromium renders WebGL in software here, on a shared 2-core
# machine; a healthy import of build/trace.json takes about a second.
TIMEOUT = 60

# speedscope's messages about slices that do not nest as it computes them
# (src/import/trace-event.ts); the only warnings a trace can cause. The
# third comes from the same rounding, when a slice's end lands on its
# thread before any slice is open there.
NESTING = re.compile(
    r'ts=\S+: Tried to end ".*" when ".*" was on the top of the stack\. '
    r'(Doing nothing|Ending .*) instead\.'
    r'|Tried to end frame ".*", but the stack was empty\. Doing nothing instead\.'
    r'|Frame ".*" was still open at end of profile\. Closing automatically\.', re.S)

# Replaces window.alert before speedscope's script runs. speedscope reports
# "Unrecognized format!" and "imported profile, but it's empty!" with
# alert(); a real dialog would block the page and every WebDriver command
# after it, so the text is kept for the report instead.
RECORD_ALERTS = """
window.__loupeAlerts = [];
window.alert = function (message) { window.__loupeAlerts.push(String(message)); };
"""

# What the page shows, read in one round trip.
PAGE_STATE = """
return {title: document.title,
        text: document.body ? document.body.innerText : "",
        alerts: window.__loupeAlerts || []};
"""


class Missing(Exception):
    """A tool the runner needs is not installed."""


def need_tools():
    problems = []
    if not os.path.isfile(os.path.join(SPEEDSCOPE, "dist", "release", "index.html")):
        problems.append("speedscope is not installed in build/speedscope")
    for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            problems.append("%s not found (Debian package %s)" % (path, pkg))
    try:
        import selenium  # noqa: F401
    except ImportError:
        problems.append("Python's selenium module not found (Debian package python3-selenium)")
    if problems:
        raise Missing("; ".join(problems) + ". `make setup-browser` installs them.")


def speedscope_version():
    with open(os.path.join(SPEEDSCOPE, "package.json")) as f:
        return json.load(f)["version"]


# ---- what speedscope should show ---------------------------------------------

def expected_profiles(events):
    """The profiles speedscope's Trace Event Format importer makes: one per
    (pid, tid) with "B", "E" or "X" events, ordered by pid then tid, named
    from the process_name and thread_name metadata the way it names them."""
    procs, threads, keys = {}, {}, set()
    for e in events:
        if e.get("ph") == "M" and isinstance(e.get("args"), dict) and e["args"].get("name"):
            if e["name"] == "process_name":
                procs[e["pid"]] = e["args"]["name"]
            elif e["name"] == "thread_name":
                threads[(e["pid"], e["tid"])] = e["args"]["name"]
        elif e.get("ph") in ("B", "E", "X"):
            keys.add((e["pid"], e["tid"]))
    names = []
    for pid, tid in sorted(keys):
        p, t = procs.get(pid), threads.get((pid, tid))
        if p is not None and t is not None:
            names.append("%s (pid %d), %s (tid %d)" % (p, pid, t, tid))
        elif p is not None:
            names.append("%s (pid %d, tid %d)" % (p, pid, tid))
        elif t is not None:
            names.append("%s (pid %d, tid %d)" % (t, pid, tid))
        else:
            names.append("pid %d, tid %d" % (pid, tid))
    return names


# ---- the local web server -------------------------------------------------------

class Server:
    """speedscope's built page and the traces, on 127.0.0.1 and a port the
    kernel picks (never a fixed one: parallel runs and other services must
    not collide). Requests that fail are kept for the report."""

    def __init__(self, files):
        self.files = files          # URL path -> bytes
        self.failed = []
        release = os.path.join(SPEEDSCOPE, "dist", "release")
        handler = functools.partial(_Handler, self, directory=release)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.httpd.server_address[1], path)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, server_state, *args, **kw):
        self.state = server_state
        super().__init__(*args, **kw)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        body = self.state.files.get(path)
        if body is None:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self):
        # Every load must fetch the files of this run, never a cached copy.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_request(self, code="-", size="-"):
        if isinstance(code, int) and code >= 400:
            self.state.failed.append("%s %s" % (code, self.path))

    def log_message(self, *args):
        pass    # the report lists failed requests; nothing goes to stderr


# ---- the browser --------------------------------------------------------------

class Browser:
    """Debian's Chromium, headless, driven by ChromeDriver through Selenium.
    Leaving the `with` block quits both, on success, failure or signal."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.driver = None

    def __enter__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for arg in [
            "--headless=new",
            # Software WebGL (speedscope draws with WebGL; CI has no GPU).
            # Without the opt-in flag Chromium warns on the console that
            # the automatic fallback is deprecated; ANGLE's SwiftShader
            # backend does not print GL performance notes to the console.
            "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
            "--window-size=%d,%d" % VIEWPORT, "--force-device-scale-factor=1",
            "--hide-scrollbars",
            # A fresh profile, and no connections of Chromium's own (this
            # machine and CI reach no network but the package registries).
            "--user-data-dir=" + os.path.join(self.workdir, "profile"),
            "--no-first-run", "--no-default-browser-check", "--disable-sync",
            "--disable-background-networking", "--disable-component-update",
            "--disable-default-apps",
            # Containers often have a tiny /dev/shm.
            "--disable-dev-shm-usage",
        ]:
            opts.add_argument(arg)
        if os.geteuid() == 0:
            opts.add_argument("--no-sandbox")   # Chromium refuses to run as root otherwise
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver_log = os.path.join(self.workdir, "chromedriver.log")
        service = Service(CHROMEDRIVER, service_args=["--log-path=" + self.driver_log])
        try:
            self.driver = webdriver.Chrome(service=service, options=opts)
        except BaseException:
            # Selenium stops ChromeDriver when the session fails to start,
            # but not on the SystemExit of a signal (it catches Exception).
            if getattr(service, "process", None) is not None:
                service.stop()
            raise
        try:
            d = self.driver
            d.set_page_load_timeout(TIMEOUT)
            d.set_script_timeout(TIMEOUT)
            # Pin the page's viewport exactly, so screenshots have a known size.
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": VIEWPORT[0], "height": VIEWPORT[1], "deviceScaleFactor": 1,
                "mobile": False})
            d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                              {"source": RECORD_ALERTS})
        except BaseException:
            self.driver.quit()
            raise
        return self

    def __exit__(self, *exc):
        # quit() ends the browser session, then ChromeDriver, which kills
        # whatever Chromium processes are left.
        self.driver.quit()

    def version(self):
        caps = self.driver.capabilities
        return "%s %s" % (caps.get("browserName", "chromium"), caps.get("browserVersion", "?"))


def _console(entries):
    """Chromium's console entries as {level, source, text}; console-api
    texts are JSON strings after the script location."""
    out = []
    for e in entries:
        msg = e.get("message", "")
        text = msg
        m = re.match(r"\S+ (?:\d+:\d+|-|\d+) (.*)\Z", msg, re.S)
        if m:
            text = m.group(1)
            if e.get("source") == "console-api" and text.startswith('"'):
                try:
                    text = json.loads(text)
                except ValueError:
                    pass
        out.append({"level": e.get("level"), "source": e.get("source"), "text": text})
    return out


def _wait(driver, what, predicate, timeout=TIMEOUT):
    """Poll the page until predicate(state) is true; the last state."""
    deadline = time.monotonic() + timeout
    while True:
        state = driver.execute_script(PAGE_STATE)
        if predicate(state):
            return state
        if time.monotonic() > deadline:
            raise TimeoutError("%s: still not there after %d s; the page shows: %r" %
                               (what, timeout, state["text"][:300]))
        time.sleep(0.1)


def open_in_speedscope(browser, server, path, title, expected, show, png):
    """Load one trace (already served at `path`) and return what was seen."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    d = browser.driver
    seen = {"title": title, "imported": False, "profiles": [], "shown": None,
            "alerts": [], "error_screen": False, "console": []}
    # No &title=: speedscope would give every profile that name. The page's
    # title becomes the file name once the import is done. A distinct query
    # string makes each load a new page, not a fragment change that
    # speedscope would ignore.
    url = server.url("/index.html?load=%s#profileURL=%s" % (
        urllib.parse.quote(title), urllib.parse.quote(server.url(path), safe="")))
    try:
        d.get(url)
        state = _wait(d, "speedscope importing %s" % title, lambda s:
                      s["title"] == title + " - speedscope" or s["alerts"] or
                      "Something went wrong" in s["text"])
        if state["title"] == title + " - speedscope":
            # The title is set before the profiles reach the toolbar, which
            # then shows the first one's name, and "(1/N)" when there are
            # several (whether N is right is checked on the list below).
            def shown(s):
                return re.search(r" \(1/\d+\)$", s["text"], re.M) or expected[0] in s["text"]
            state = _wait(d, "speedscope showing %s" % title, lambda s:
                          shown(s) or s["alerts"] or "Something went wrong" in s["text"])
            seen["imported"] = bool(shown(state))
        several = re.search(r" \(1/\d+\)$", state["text"], re.M)
        if seen["imported"] and several:
            seen["profiles"] = _profile_list(d, By)
            # Picking one also closes the picker before the screenshot.
            _select_profile(d, By, Keys, show)
        elif seen["imported"]:
            seen["profiles"] = [expected[0]]
        state = d.execute_script(PAGE_STATE)
        seen["alerts"] = state["alerts"]
        seen["error_screen"] = "Something went wrong" in state["text"]
        m = re.search(r"^(.*) \((\d+)/(\d+)\)$", state["text"], re.M)
        seen["shown"] = m.group(1) if m else (expected[0] if seen["imported"] and
                                              len(expected) == 1 else None)
        if png:
            # Two animation frames: the flame chart is drawn by WebGL on
            # the frame after the view's state changes.
            d.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));")
            with open(png, "wb") as f:
                f.write(d.get_screenshot_as_png())
    except TimeoutError as exc:
        seen["timeout"] = str(exc)
    finally:
        seen["console"] = _console(d.get_log("browser"))
    return seen


def _profile_list(d, By):
    """Every profile's name, from speedscope's profile picker (the `t` key),
    the list a user picks a thread from."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        d.find_element(By.TAG_NAME, "body").send_keys("t")
        end = time.monotonic() + 2
        while time.monotonic() < end:
            rows = d.find_elements(By.CSS_SELECTOR, "tr[title]")
            if rows:
                return [r.get_attribute("title") for r in rows]
            time.sleep(0.1)
    raise TimeoutError("speedscope's profile picker did not open")


def _select_profile(d, By, Keys, name):
    """Pick a profile as a user does: type its name into the picker's
    filter and press Enter (the best match is taken)."""
    box = d.find_element(By.CSS_SELECTOR, "input[placeholder='Filter...']")
    box.send_keys(name)
    box.send_keys(Keys.ENTER)
    _wait(d, "speedscope switching to %s" % name,
          lambda s: re.search(r"^%s \(\d+/\d+\)$" % re.escape(name), s["text"], re.M))


# ---- the verdict ----------------------------------------------------------------

def _problems(seen, expected, allow_nesting):
    """What is wrong with one import; (problems, nesting warnings allowed)."""
    problems, nesting = [], []
    t = seen["title"]
    if seen.get("timeout"):
        problems.append("%s: %s" % (t, seen["timeout"]))
    for a in seen["alerts"]:
        problems.append("%s: speedscope said: %s" % (t, a))
    if seen["error_screen"]:
        problems.append("%s: speedscope shows 'Something went wrong' (import failed)" % t)
    if not seen["imported"]:
        problems.append("%s: not imported" % t)
    elif not any(m["text"] == "Importing as Trace Event Format profile"
                 for m in seen["console"]):
        problems.append("%s: speedscope did not use its Trace Event Format importer" % t)
    if seen["imported"] and seen["profiles"] != expected:
        problems.append("%s: speedscope lists profiles %r, expected %r" %
                        (t, seen["profiles"], expected))
    for m in seen["console"]:
        if m["level"] not in ("WARNING", "SEVERE"):
            continue
        if allow_nesting and m["source"] == "console-api" and NESTING.fullmatch(m["text"]):
            nesting.append(m["text"])
        else:
            problems.append("%s: console %s (%s): %s" % (t, m["level"].lower(), m["source"],
                                                         m["text"][:300]))
    return problems, nesting


def view(trace_path, png=None, png_x=None, begin_end_path=None, show=None, strict=True):
    """Run both imports; return the report (report["problems"] empty if
    everything passed)."""
    need_tools()
    with open(trace_path, "rb") as f:
        raw = f.read()
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        return {"problems": ["%s is not JSON: %s" % (trace_path, exc)]}
    events = doc.get("traceEvents", []) if isinstance(doc, dict) else doc
    expected = expected_profiles(events)
    if not expected:
        return {"problems": ["%s has no slices, so speedscope has nothing to show" % trace_path]}
    be_doc = loupetrace.begin_end(doc)
    be_raw = json.dumps(be_doc, separators=(",", ":")).encode()
    if begin_end_path:
        with open(begin_end_path, "wb") as f:
            f.write(be_raw + b"\n")
    show_name = expected[0]
    if show:
        # The thread's name as speedscope writes it: "P (pid N), T (tid M)",
        # or "T (pid N, tid M)" when the process has no name.
        # A full profile name picks one of several threads with one name.
        matches = [n for n in expected if n == show or re.search(
            r", %s \(tid \d+\)$|^%s \(pid" % (re.escape(show), re.escape(show)), n)]
        matches.sort(key=lambda n: n != show)
        if not matches:
            return {"problems": ["no thread named %r in %s; its threads: %s" %
                                 (show, trace_path, ", ".join(expected))]}
        show_name = matches[0]

    name = os.path.basename(trace_path)
    be_name = os.path.basename(begin_end_path) if begin_end_path else \
        name.replace(".json", "") + "-begin-end.json"
    # Each file under its own name: speedscope titles the page with it.
    x_path, be_path = "/given/" + name, "/begin-end/" + be_name
    files = {x_path: raw, be_path: be_raw}
    report = {"trace": trace_path, "speedscope": speedscope_version(), "expected": expected}
    with tempfile.TemporaryDirectory(prefix="loupe-view-", ignore_cleanup_errors=True) as tmp, \
            Server(files) as server, Browser(tmp) as browser:
        report["browser"] = browser.version()
        be = open_in_speedscope(browser, server, be_path, be_name,
                                expected, show_name, png)
        x = open_in_speedscope(browser, server, x_path, name,
                               expected, show_name, png_x)
        report["failed_requests"] = list(server.failed)
    problems, nesting = verdict(be, x, expected, strict)
    problems += ["HTTP %s" % r for r in report["failed_requests"]]
    report.update(begin_end=be, as_given=x, nesting_warnings=len(nesting), problems=problems)
    return report


def verdict(be, x, expected, strict=True):
    """(problems, excused nesting warnings) of the two imports. Unless
    strict is False, no warning is excused. Otherwise the file as given may
    have speedscope's nesting warnings, but only when the begin/end copy of
    its slices passed every check: then they come from speedscope's
    arithmetic, as nothing else differs between the two."""
    problems, _ = _problems(be, expected, allow_nesting=False)
    x_problems, nesting = _problems(x, expected, allow_nesting=not strict and not problems)
    problems += x_problems
    if problems and nesting:
        problems.append("%s: and %d of speedscope's nesting warnings" % (x["title"], len(nesting)))
    return problems, nesting


def to_palette(path, colors=64):
    """Rewrite a screenshot with a 64-colour palette: a few tens of KiB
    instead of a hundred, small enough for docs/images/. speedscope's
    frames are flat colours, so nothing visible is lost."""
    from PIL import Image
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=colors, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def _exit_on_signal(signum, frame):
    # SystemExit unwinds the `with` blocks: the browser, ChromeDriver and the
    # web server are stopped even when a caller's timeout kills us.
    sys.exit(128 + signum)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trace", help="Trace Event Format JSON, e.g. build/trace.json")
    ap.add_argument("--png", help="screenshot of the begin/end copy in speedscope")
    ap.add_argument("--png-as-given", dest="png_x",
                    help="screenshot of the file as given in speedscope")
    ap.add_argument("--begin-end", help="where to save the begin/end copy")
    ap.add_argument("--show", help="thread to show in the screenshots: its name (e.g. "
                    "'CPU 0'; the first thread of that name) or speedscope's whole profile name "
                    "(e.g. 'ipcdemo (pid 5), ipcdemo (tid 5)'); default: the first profile")
    ap.add_argument("--report", help="write everything seen as JSON")
    ap.add_argument("--palette", action="store_true",
                    help="save the screenshots with a 64-colour palette (for docs/images/)")
    ap.add_argument("--excuse-nesting", action="store_true",
                    help="for traces with plain decimal durations (not trace/convert.py's): "
                    "let the file as given have speedscope's nesting warnings while the "
                    "begin/end copy has none")
    args = ap.parse_args()
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, _exit_on_signal)
    try:
        report = view(args.trace, png=args.png, png_x=args.png_x,
                      begin_end_path=args.begin_end, show=args.show,
                      strict=not args.excuse_nesting)
    except Missing as exc:
        print("view: %s" % exc, file=sys.stderr)
        return 2
    except Exception as exc:
        # Chromium that does not start or dies: Selenium's first line says
        # why (its stack trace adds nothing for a user).
        if not type(exc).__module__.startswith("selenium"):
            raise
        print("view: FAIL: the browser: %s" % (str(exc).strip().splitlines() or ["?"])[0],
              file=sys.stderr)
        return 1
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")
    if "as_given" in report:
        print("view: speedscope %s in %s (headless)" % (report["speedscope"], report["browser"]))
        for seen in (report["begin_end"], report["as_given"]):
            warn = sum(m["level"] in ("WARNING", "SEVERE") for m in seen["console"])
            print("view: %s: %s; profiles: %d; console warnings and errors: %d" % (
                seen["title"], "imported" if seen["imported"] else "NOT imported",
                len(seen["profiles"]), warn))
        if report["nesting_warnings"] and not report["problems"]:
            print("view: %s: all %d are speedscope's nesting warnings, from its floating-point "
                  "ends of \"X\" slices; the begin/end copy of the same slices has none "
                  "(docs/tracing.md)" % (report["as_given"]["title"],
                                         report["nesting_warnings"]))
    if report["problems"]:
        sys.stdout.flush()      # the summary first, when both go to one pipe
        for p in report["problems"][:40]:
            print("view: FAIL: %s" % p, file=sys.stderr)
        if len(report["problems"]) > 40:
            print("view: ... %d problems in all" % len(report["problems"]), file=sys.stderr)
        return 1
    for path in (args.png, args.png_x):
        if path:
            if args.palette:
                to_palette(path)
            print("view: wrote %s (%s)" % (path, report["begin_end"]["shown"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
