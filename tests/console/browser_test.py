#!/usr/bin/env python3
"""The console in headless Chromium, driven over the DevTools protocol.

Started by run.sh. Chromium's --dump-dom would give the markup only; over
the DevTools protocol the checks read the laid-out page (where a bar is
drawn, in pixels; computed colours; the page's width on a phone), and the
page reloads itself as a person would see it. One small pure-Python package
(websocket-client) speaks the protocol's WebSocket.

Prints `ok - …` / `not ok - …` per check and `N passed, M failed` last;
exits non-zero when a check failed.
"""

import argparse
import base64
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import websocket

UTC = dt.timezone.utc
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
REDACTED = "*** Sensitive Data Redacted ***"
SECRET_COMMAND = "echo secret-token-123"
SECRET_OWNER = "owner-secret-456"
# The SVG's geometry (server/src/console/timeline.rs).
PLOT_X, PLOT_WIDTH = 220.0, 960.0
NODES = {
    "ok": ["i-0a000000000000001", "i-0a000000000000002", "i-0a000000000000003"],
    "bad": "i-0b000000000000001",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, check, seconds):
    """Polls `check` until it returns something truthy; bounded in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"{what}: not within {seconds} s")


class Server:
    def __init__(self, binary, work):
        inventory = os.path.join(work, "inventory.json")
        with open(inventory, "w") as f:
            nodes = [{"id": n} for n in NODES["ok"]] + [{"id": NODES["bad"], "fail": True}]
            json.dump({"nodes": nodes}, f)
        self.endpoint = None
        self.log = open(os.path.join(work, "server.log"), "w+")
        for _ in range(3):  # a port taken between choosing and binding: retry
            port = free_port()
            self.proc = subprocess.Popen(
                [binary, "--listen", f"127.0.0.1:{port}", "--db", ":memory:", "--admin",
                 "--invocation-seconds", "1", "--inventory", inventory, "--log", "warn"],
                stdout=self.log, stderr=subprocess.STDOUT, env={"PATH": os.environ.get("PATH", "")})
            endpoint = f"http://127.0.0.1:{port}"
            try:
                wait_until("server health", lambda: self.proc.poll() is not None or self.healthy(endpoint), 30)
            except TimeoutError:
                self.stop()
                raise
            if self.proc.poll() is None:
                self.endpoint = endpoint
                return
        raise RuntimeError("the server did not start; see its log")

    @staticmethod
    def healthy(endpoint):
        try:
            with urllib.request.urlopen(endpoint + "/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def api(self, operation, body):
        request = urllib.request.Request(
            self.endpoint + "/", data=json.dumps(body).encode(),
            headers={"X-Amz-Target": "AmazonSSM." + operation,
                     "Content-Type": "application/x-amz-json-1.1"})
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{operation}: {e.code} {e.read().decode()}") from None

    def run_now(self, window_id):
        request = urllib.request.Request(f"{self.endpoint}/_admin/windows/{window_id}/run", method="POST")
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.load(r)["WindowExecutionId"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Browser:
    """One page of headless Chromium."""

    def __init__(self, chromium, profile):
        port = free_port()
        self.proc = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--mute-audio",
             f"--remote-debugging-port={port}", "--remote-allow-origins=*",
             f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        page = wait_until("Chromium's DevTools endpoint", lambda: self._page(port), 60)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    @staticmethod
    def _page(port):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                return next((t for t in json.load(r) if t.get("type") == "page"), None)
        except OSError:
            return None

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        for _ in range(100_000):
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)
        raise RuntimeError(f"{method}: no answer")

    def wait_event(self, name, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for i, event in enumerate(self.events):
                if event.get("method") == name:
                    del self.events[: i + 1]
                    return event
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
            finally:
                self.ws.settimeout(60)
        raise TimeoutError(f"no {name} within {seconds} s")

    def viewport(self, width, height, mobile=False):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=mobile)

    def goto(self, url):
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired", 30)

    def eval(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path, down_to=None):
        """The whole page, or down to the bottom of the element `down_to`."""
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        height = size["height"]
        if down_to:
            height = self.eval(f"document.querySelector('{down_to}').getBoundingClientRect().bottom"
                               " + window.scrollY + 12")
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": size["width"], "height": height, "scale": 1})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# What the page shows of the timeline, in SVG user units measured from the
# laid-out page (getBoundingClientRect), not read from attributes.
TIMELINE = r"""(() => {
  const svg = document.querySelector('svg.timeline');
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const at = (r) => ({left: (r.left - box.left) / scale, right: (r.right - box.left) / scale});
  const rows = {};
  for (const row of svg.querySelectorAll('g[data-window]')) {
    rows[row.dataset.window] = {
      disabled: row.classList.contains('disabled'),
      runs: [...row.querySelectorAll('g.run')].map(run => {
        const bar = run.querySelector('rect.bar');
        const cut = run.querySelector('rect.cutoff');
        const mark = run.querySelector('rect.overlap-mark');
        return {start: run.dataset.start, overlap: run.classList.contains('overlap'),
                bar: at(bar.getBoundingClientRect()), barFill: getComputedStyle(bar).fill,
                cut: cut && at(cut.getBoundingClientRect()),
                mark: mark && getComputedStyle(mark).fill,
                markVisible: !!mark && mark.getBoundingClientRect().width > 0};
      })};
  }
  return {from: svg.dataset.from, until: svg.dataset.until, rows,
          overlapText: document.querySelector('#overlap-count').textContent,
          tableText: document.querySelector('#windows').innerText};
})()"""


def parse_time(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def daily(hour, minute, after, until, zone=UTC):
    """Every hour:minute in `zone` strictly after `after`, up to `until`."""
    day = after.astimezone(zone).date() - dt.timedelta(days=1)
    times = []
    while True:
        t = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)
        if t > until:
            return times
        if t > after:
            times.append(t)
        day += dt.timedelta(days=1)


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok - {name}")
        else:
            self.failed += 1
            print(f"not ok - {name}" + (f": {detail}" if detail else ""))


def kolkata_schedule(now):
    """A monthly `weekday#n` cron in Asia/Kolkata whose first base time is at
    least three days away, with ScheduleOffset 2, and the run it gives."""
    day = now.astimezone(IST).date() + dt.timedelta(days=3)
    while day.day > 28:  # keep n in 1..4
        day += dt.timedelta(days=1)
    weekday = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"][day.weekday()]
    nth = (day.day - 1) // 7 + 1
    run_day = day + dt.timedelta(days=2)
    run = dt.datetime(run_day.year, run_day.month, run_day.day, 18, 30, tzinfo=IST).astimezone(UTC)
    return f"cron(30 18 ? * {weekday}#{nth} *)", run


def set_up(server):
    def window(name, schedule, duration, **extra):
        body = {"Name": name, "Schedule": schedule, "Duration": duration, "Cutoff": 1,
                "AllowUnassociatedTargets": True, **extra}
        return server.api("CreateMaintenanceWindow", body)["WindowId"]

    kolkata, kolkata_run = kolkata_schedule(dt.datetime.now(UTC))
    ids = {
        # 02:00–05:00 and 03:00–05:00 UTC every day: they overlap.
        "nightly": window("nightly-patching", "cron(0 2 * * ? *)", 3),
        "backup": window("db-backup", "cron(0 3 * * ? *)", 2),
        # 14:00–16:00 UTC, disabled: greyed, and overlapping nothing.
        "reports": window("reports-disabled", "cron(0 14 * * ? *)", 2),
        # 18:30 IST = 13:00–15:00 UTC: would overlap the disabled one only.
        "kolkata": window("kolkata-offset", kolkata, 2,
                          ScheduleTimezone="Asia/Kolkata", ScheduleOffset=2),
        "deploy": window("app-deploy", "cron(0 20 ? * SUN *)", 2),
    }
    server.api("UpdateMaintenanceWindow", {"WindowId": ids["reports"], "Enabled": False})
    for key, nodes, errors in [("nightly", NODES["ok"], "0"), ("deploy", [NODES["ok"][0], NODES["bad"]], "0")]:
        target = server.api("RegisterTargetWithMaintenanceWindow", {
            "WindowId": ids[key], "ResourceType": "INSTANCE", "Name": "fleet",
            "OwnerInformation": SECRET_OWNER,
            "Targets": [{"Key": "InstanceIds", "Values": nodes}]})["WindowTargetId"]
        for priority, name in [(2, "reboot"), (1, "patch")]:
            server.api("RegisterTaskWithMaintenanceWindow", {
                "WindowId": ids[key], "Name": name, "TaskArn": "AWS-RunShellScript",
                "TaskType": "RUN_COMMAND", "Priority": priority,
                "Targets": [{"Key": "WindowTargetIds", "Values": [target]}],
                "MaxConcurrency": "1", "MaxErrors": errors,
                "TaskInvocationParameters": {"RunCommand": {"Parameters": {"commands": [SECRET_COMMAND]}}}})
    return ids, kolkata_run


def final_status(server, execution):
    status = server.api("GetMaintenanceWindowExecution", {"WindowExecutionId": execution})["Status"]
    return status if status not in ("PENDING", "IN_PROGRESS", "CANCELLING") else None


def check_timeline(checks, page, ids, kolkata_run):
    t = page.eval(TIMELINE)
    start, until = parse_time(t["from"]), parse_time(t["until"])
    span = (until - start).total_seconds()
    x = lambda when: PLOT_X + (when - start).total_seconds() / span * PLOT_WIDTH
    rows = t["rows"]

    def bars(key, expected, overlap, cutoff_hours):
        runs = rows[ids[key]]["runs"]
        got = [parse_time(r["start"]) for r in runs]
        checks.check(f"{key}: a bar per scheduled run ({len(expected)})", got == expected,
                     f"drawn {got}, expected {expected}")
        far = [(r["start"], round(r["bar"]["left"], 2), round(x(w), 2)) for r, w in zip(runs, expected)
               if abs(r["bar"]["left"] - x(w)) > 1.0]
        checks.check(f"{key}: each bar starts where its run time is on the axis", not far and runs, far)
        late = [r["start"] for r, w in zip(runs, expected)
                if r["cut"] and abs(r["cut"]["left"] - x(w + dt.timedelta(hours=cutoff_hours))) > 1.0]
        checks.check(f"{key}: the Cutoff part is shaded from Duration − Cutoff", not late, late)
        wrong = [(r["start"], r["overlap"]) for r, w in zip(runs, expected) if r["overlap"] != overlap(w)]
        checks.check(f"{key}: overlap marks where runs of other windows overlap", not wrong, wrong)
        return runs

    both = lambda w: True
    nightly = bars("nightly", daily(2, 0, start, until), both, 2)
    # backup's run overlaps the nightly run that started an hour before, if
    # that one is still ahead of the left edge.
    bars("backup", daily(3, 0, start, until), lambda w: w - dt.timedelta(hours=1) > start, 1)
    checks.check("overlap marks are drawn red",
                 all(r["mark"] == "rgb(198, 40, 40)" and r["markVisible"] for r in nightly), nightly[:1])
    reports = bars("reports", daily(14, 0, start, until), lambda w: False, 1)
    checks.check("the disabled window's row is greyed",
                 rows[ids["reports"]]["disabled"] and all(r["barFill"] == "rgb(195, 200, 207)" for r in reports),
                 reports[:1])
    expected_kolkata = [kolkata_run] if start < kolkata_run <= until else []
    bars("kolkata", expected_kolkata, lambda w: False, 1)
    checks.check("overlap count is stated", "overlap a run of another window" in t["overlapText"], t["overlapText"])
    checks.check("the windows table gives the Kolkata window's next run with its offset",
                 kolkata_run.astimezone(IST).strftime("%Y-%m-%dT%H:%M+05:30") in t["tableText"], t["tableText"])
    return expected_kolkata


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    checks = Checks()
    work = tempfile.mkdtemp(prefix="ssm-console.")
    server = browser = None
    try:
        server = Server(args.server, work)
        ids, kolkata_run = set_up(server)
        browser = Browser(args.chromium, os.path.join(work, "profile"))
        page = browser
        console = f"{server.endpoint}/console?region=us-east-1"

        # A failing run, finished before the pages are read.
        failing = server.run_now(ids["deploy"])
        wait_until("the app-deploy run ends", lambda: final_status(server, failing), 60)

        # A run in progress: its page reloads itself until the run ends.
        page.viewport(1280, 900)
        running = server.run_now(ids["nightly"])
        page.goto(f"{server.endpoint}/console/executions/{running}?region=us-east-1")
        first = page.eval("[document.querySelector('meta[http-equiv=refresh]') !== null,"
                          " document.querySelector('table.fields .status').textContent, performance.timeOrigin]")
        checks.check("a run in progress: refresh is on and the status is IN_PROGRESS",
                     first[0] and first[1] in ("IN_PROGRESS", "PENDING"), first)
        status = lambda: page.eval("document.querySelector('table.fields .status')?.textContent")
        ended = wait_until("the page shows the run's end by itself",
                           lambda: status() if status() not in (None, "IN_PROGRESS", "PENDING") else None, 30)
        reloaded = page.eval("[performance.timeOrigin, document.querySelector('meta[http-equiv=refresh]') !== null]")
        checks.check("the page reloaded itself and shows SUCCESS, then stops refreshing",
                     ended == "SUCCESS" and reloaded[0] != first[2] and not reloaded[1], (ended, reloaded))

        # Overview: timeline over 7 and 30 days, screenshot.
        page.goto(console + "&range=7d&tz=utc")
        check_timeline(checks, page, ids, kolkata_run)
        page.screenshot(os.path.join(args.screenshots, "overview.png"))
        page.screenshot(os.path.join(args.screenshots, "overview-top.png"), down_to="#windows")
        page.goto(console + "&range=30d&tz=utc")
        shown = check_timeline(checks, page, ids, kolkata_run)
        checks.check("the Kolkata run is within 30 days", len(shown) == 1, kolkata_run)
        page.goto(console + "&range=30d&tz=window")
        title = page.eval(f"document.querySelector('g[data-window=\"{ids['kolkata']}\"] g.run title')?.textContent")
        local = kolkata_run.astimezone(IST).strftime("%Y-%m-%d 18:30 IST (+05:30)")
        checks.check("in the window's zone, its run reads 18:30 IST", title is not None and local in title, title)
        page.screenshot(os.path.join(args.screenshots, "overview-window-zone.png"), down_to="#windows")

        # Phone width: nothing wider than the screen but the scroll boxes.
        page.viewport(390, 800, mobile=True)
        page.goto(console + "&range=7d&tz=utc")
        width = page.eval("[document.documentElement.scrollWidth, window.innerWidth]")
        checks.check("at 390 px the page does not scroll sideways", width[0] <= width[1], width)
        page.screenshot(os.path.join(args.screenshots, "overview-phone.png"))
        page.viewport(1280, 900)

        # Window detail: tasks in priority order, last executions, secrets hidden.
        page.goto(f"{server.endpoint}/console/windows/{ids['deploy']}?region=us-east-1")
        detail = page.eval("[[...document.querySelectorAll('#tasks tbody tr td:nth-child(3)')].map(td => td.textContent),"
                           " document.querySelector('#window-executions .status')?.textContent, document.body.innerText]")
        checks.check("window detail: tasks in priority order", detail[0] == ["patch", "reboot"], detail[0])
        checks.check("window detail: its last execution FAILED", detail[1] == "FAILED", detail[1])
        checks.check("window detail: owner information and parameters hidden",
                     SECRET_OWNER not in detail[2] and SECRET_COMMAND not in detail[2] and REDACTED in detail[2])
        page.screenshot(os.path.join(args.screenshots, "window.png"))

        # Executions: status colours, drill-down to tasks and invocations.
        page.goto(f"{server.endpoint}/console/executions?region=us-east-1")
        colours = page.eval("Object.fromEntries([...document.querySelectorAll('table.executions .status')]"
                            ".map(s => [s.textContent, getComputedStyle(s).backgroundColor]))")
        checks.check("executions: SUCCESS green, FAILED red",
                     colours.get("SUCCESS") == "rgb(30, 126, 52)" and colours.get("FAILED") == "rgb(198, 40, 40)",
                     colours)
        page.eval(f"document.querySelector('a[href^=\"/console/executions/{failing}\"]').click()")
        browser.wait_event("Page.loadEventFired", 30)
        drill = page.eval("[[...document.querySelectorAll('table.invocations .status')].map(s => s.textContent),"
                          " document.querySelectorAll('section.task').length, document.body.innerText, location.pathname]")
        checks.check("execution drill-down: two tasks, invocations SUCCESS and FAILED",
                     drill[1] == 2 and "SUCCESS" in drill[0] and "FAILED" in drill[0], drill[:2])
        checks.check("execution drill-down: parameters hidden, times with their zone",
                     SECRET_COMMAND not in drill[2] and REDACTED in drill[2] and " UTC" in drill[2])
        page.screenshot(os.path.join(args.screenshots, "execution.png"))
    except Exception as error:  # a setup failure is a failed check, not a traceback only
        checks.check("the browser test ran to its end", False, repr(error))
        if server:
            server.log.seek(0)
            sys.stderr.write(server.log.read()[-4000:])
    finally:
        if browser:
            browser.close()
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"# screenshots in {args.screenshots}")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed or not checks.passed else 0


if __name__ == "__main__":
    sys.exit(main())
