#!/usr/bin/env python3
"""Drives `flow server`'s web console in a real browser: Debian's chromium through chromedriver and selenium.

Usage: console_browser.py FLOW_BINARY WORK_DIR ARTIFACTS_DIR

WORK_DIR/flow.db may already hold registered models (the Swift test puts three versions of `churn` and an endpoint
there). Starts `flow server` on a free 127.0.0.1 port with an access key and a pipelines folder, starts executions
through the API with boto3, and checks in the browser (printing `ok: NAME` per check): an execution appears in the
list without a reload, the filters, the graph's state colours (succeeded, failed, caught, not reached) and the
history, user data shown as text (a `<script>` in an input, an `<img onerror>` in a state name), Redrive refused
without credentials then done after signing in, the execution running again to success, Stop, the model page with its
lineage and chart, endpoints, schedules, cross-site POSTs refused, and (with FLOW_GRAPHVIZ=off) the list of states
the page shows without Graphviz. Saves screenshots in ARTIFACTS_DIR.
Exits 1 on the first failure.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import Select, WebDriverWait

FLOW, WORK, ARTIFACTS = (os.path.abspath(p) for p in sys.argv[1:4])
KEY_ID, SECRET = "AKIDCONSOLE", "console-test-secret"
ROLE = "arn:aws:iam::000000000000:role/flow-test"
COLORS = {"SUCCEEDED": "#16a34a", "FAILED": "#dc2626", "CAUGHT": "#f59e0b", "NOT_REACHED": "#d1d5db"}
XSS_STATE = '<img src=x onerror="window.pwned=1">'


def ok(name):
    print("ok:", name, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_pipelines():
    folder = os.path.join(WORK, "pipelines")
    os.makedirs(folder, exist_ok=True)
    marker = os.path.join(WORK, "fixed")
    pipelines = {
        "greet.yaml": "Flow: {Name: greet}\nStartAt: Hello\nStates:\n"
                      "  Hello: {Type: Pass, Result: {greeting: hello}, ResultPath: $.hello, Next: Pause}\n"
                      "  Pause: {Type: Wait, Seconds: 1, Next: Bye}\n  Bye: {Type: Pass, End: true}\n",
        # Fails until WORK/fixed exists: Redrive after creating it succeeds.
        "flaky.json": json.dumps({
            "Flow": {"Name": "flaky"}, "StartAt": "Check",
            "States": {
                "Check": {"Type": "Task", "Resource": "flow:exec", "Next": "Done",
                          "Parameters": {"Command": ["sh", "-c", f"test -f {marker} && echo '{{\"fixed\": true}}'"]}},
                "Done": {"Type": "Pass", "End": True},
            }}),
        "guarded.json": json.dumps({
            "Flow": {"Name": "guarded"}, "StartAt": "Try",
            "States": {
                "Try": {"Type": "Task", "Resource": "flow:exec", "Parameters": {"Command": ["false"]},
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": XSS_STATE}], "Next": "Unreached"},
                "Unreached": {"Type": "Pass", "End": True},
                XSS_STATE: {"Type": "Pass", "End": True},
            }}),
        "slow.yaml": "Flow: {Name: slow}\nStartAt: Sleep\nStates:\n  Sleep: {Type: Wait, Seconds: 600, End: true}\n",
        "nightly.yaml": "Flow:\n  Name: nightly\n  Schedule: {Cron: \"0 3 * * *\", Timezone: Europe/Paris}\n"
                        "StartAt: Go\nStates:\n  Go: {Type: Pass, End: true}\n",
    }
    for name, text in pipelines.items():
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)


def start_server(**extra):
    env = dict(os.environ, FLOW_SERVER_ACCESS_KEY_ID=KEY_ID, FLOW_SERVER_SECRET_ACCESS_KEY=SECRET, NO_COLOR="1", **extra)
    env.pop("FLOW_STORE", None)
    for _ in range(5):
        port = free_port()
        log = open(os.path.join(WORK, "server.log"), "ab")
        process = subprocess.Popen(
            [FLOW, "server", "--port", str(port), "--store", os.path.join(WORK, "flow.db"), "--pipelines",
             os.path.join(WORK, "pipelines"), "--workers", "4", "--quiet"],
            cwd=WORK, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline and process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return process, port
            except OSError:
                time.sleep(0.1)
        process.kill()
        process.wait()
    sys.exit("flow server did not start; see " + os.path.join(WORK, "server.log"))


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("FLOW_TEST_CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"]:
        options.add_argument(argument)
    service = Service(os.environ.get("FLOW_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def wait(driver, condition, message, timeout=30):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda d: condition(d))
    except Exception:
        shot(driver, "failure")
        raise AssertionError(message)


def click(driver, by, value):
    """Clicks an element, finding it again if the page re-rendered it in between."""
    wait(driver, lambda d: d.find_element(by, value).click() or True, f"could not click {value}")


def shot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))


def node_status(driver, state):
    """The status and fill colour the page gave the graph node of `state`."""
    for node in driver.find_elements(By.CSS_SELECTOR, "#graph g.node"):
        if node.get_attribute("data-state") == state:
            shape = node.find_element(By.CSS_SELECTOR, "polygon, ellipse, path")
            return node.get_attribute("data-status"), shape.get_attribute("fill")
    return None, None


def execution_status(driver):
    badges = driver.find_elements(By.CSS_SELECTOR, "h1 .status")
    return badges[0].get_attribute("data-status") if badges else None


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def post(url, headers):
    request = urllib.request.Request(url, data=b"{}", method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main():
    write_pipelines()
    server, port = start_server()
    base = f"http://127.0.0.1:{port}"
    sfn = boto3.client("stepfunctions", endpoint_url=base, region_name="us-east-1", aws_access_key_id=KEY_ID,
                       aws_secret_access_key=SECRET, config=Config(retries={"max_attempts": 0}))
    machine = lambda name: f"arn:aws:states:local:000000000000:stateMachine:{name}"
    driver = browser()
    try:
        driver.get(base + "/")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#executions tr"), "the executions list did not load")
        ok("the console loads at / with no credentials on loopback")

        hostile = {"note": "<script>window.pwned=1</script>"}
        greet = sfn.start_execution(stateMachineArn=machine("greet"), name="first-greet", input=json.dumps(hostile))["executionArn"]
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, 'tr.execution[data-name="first-greet"]'),
             "the execution started through the API did not appear in the list")
        ok("an execution started through the API appears in the list without a reload")
        flaky = sfn.start_execution(stateMachineArn=machine("flaky"), name="flaky-1")["executionArn"]
        sfn.start_execution(stateMachineArn=machine("guarded"), name="guarded-1")
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.execution")) == 3, "three executions were not listed")
        Select(driver.find_element(By.ID, "filter-pipeline")).select_by_value("flaky")
        wait(driver, lambda d: [r.get_attribute("data-name") for r in d.find_elements(By.CSS_SELECTOR, "tr.execution")] == ["flaky-1"],
             "the pipeline filter did not keep only flaky-1")
        Select(driver.find_element(By.ID, "filter-pipeline")).select_by_value("")
        Select(driver.find_element(By.ID, "filter-status")).select_by_value("FAILED")
        wait(driver, lambda d: [r.get_attribute("data-name") for r in d.find_elements(By.CSS_SELECTOR, "tr.execution")] == ["flaky-1"],
             "the status filter did not keep only the failed flaky-1")
        ok("filters by pipeline and by status")
        Select(driver.find_element(By.ID, "filter-status")).select_by_value("")
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.execution")) == 3, "the list did not come back unfiltered")
        shot(driver, "executions")

        # The greet execution: graph all green once it succeeds, history, the hostile input shown as text.
        click(driver, By.LINK_TEXT, "first-greet")
        wait(driver, lambda d: execution_status(d) == "SUCCEEDED", "first-greet did not show SUCCEEDED")
        graphviz = not driver.find_elements(By.ID, "graph-missing")
        if graphviz:
            wait(driver, lambda d: all(node_status(d, s) == ("SUCCEEDED", COLORS["SUCCEEDED"]) for s in ["Hello", "Pause", "Bye"]),
                 "the graph's states of first-greet are not all green")
            ok("the graph (Graphviz) colours succeeded states green")
        else:
            message = driver.find_element(By.ID, "graph-missing").text
            assert "cannot be drawn" in message, message
            if os.environ.get("FLOW_REQUIRE_GRAPHVIZ") == "1":
                raise AssertionError("Graphviz is required but the console says: " + message)
            print("note: no Graphviz; the console lists the states instead:", message)
        types = [r.get_attribute("data-type") for r in driver.find_elements(By.CSS_SELECTOR, "tr.event")]
        assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded" and "WaitStateEntered" in types, types
        ok("the history lists the events, ExecutionStarted to ExecutionSucceeded")
        page = driver.find_element(By.TAG_NAME, "main").text
        assert "<script>window.pwned=1</script>" in page, "the input with <script> is not shown as text"
        assert "null" not in driver.find_element(By.CSS_SELECTOR, ".actions").text, "stray text among the buttons"
        assert driver.execute_script("return window.pwned === undefined"), "a <script> in the input ran"
        states = {r.get_attribute("data-state"): r.text for r in driver.find_elements(By.CSS_SELECTOR, "#states tr")}
        assert '"greeting": "hello"' in states["Bye"], states
        ok("each state's input and output are shown; user data is escaped")
        shot(driver, "execution-succeeded")

        # A caught failure: amber, the state after it grey, the catcher (named with HTML) green and inert.
        driver.get(base + "/#/executions")
        wait(driver, lambda d: d.find_elements(By.LINK_TEXT, "guarded-1"), "guarded-1 is not listed")
        click(driver, By.LINK_TEXT, "guarded-1")
        wait(driver, lambda d: execution_status(d) == "SUCCEEDED", "guarded-1 did not show SUCCEEDED")
        if graphviz:
            wait(driver, lambda d: node_status(d, "Try") == ("CAUGHT", COLORS["CAUGHT"])
                 and node_status(d, "Unreached") == ("NOT_REACHED", COLORS["NOT_REACHED"])
                 and node_status(d, XSS_STATE) == ("SUCCEEDED", COLORS["SUCCEEDED"]),
                 "guarded-1's graph is not coloured caught / not reached / succeeded")
            ok("the graph colours a caught state amber and a state not reached grey")
        assert driver.execute_script("return window.pwned === undefined"), "a state name with <img onerror> ran"
        assert XSS_STATE in driver.find_element(By.ID, "states").text
        ok("a state named with HTML is shown as text")
        shot(driver, "execution-caught")

        # The failed execution: red, then Redrive (refused without credentials, done after signing in), green.
        driver.get(base + "/#/executions")
        wait(driver, lambda d: d.find_elements(By.LINK_TEXT, "flaky-1"), "flaky-1 is not listed")
        click(driver, By.LINK_TEXT, "flaky-1")
        wait(driver, lambda d: execution_status(d) == "FAILED", "flaky-1 did not show FAILED")
        if graphviz:
            wait(driver, lambda d: node_status(d, "Check") == ("FAILED", COLORS["FAILED"])
                 and node_status(d, "Done") == ("NOT_REACHED", COLORS["NOT_REACHED"]), "flaky-1's graph is not red / grey")
            ok("the graph colours a failed state red")
        shot(driver, "execution-failed")
        open(os.path.join(WORK, "fixed"), "w").close()
        click(driver, By.ID, "redrive")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#action-result.error"), "Redrive without credentials was not refused")
        assert driver.find_element(By.ID, "login").is_displayed(), "the sign-in form did not appear"
        assert execution_status(driver) == "FAILED"
        ok("Redrive without credentials is refused and the sign-in form appears")
        driver.find_element(By.ID, "key-id").send_keys(KEY_ID)
        driver.find_element(By.ID, "secret").send_keys(SECRET)
        click(driver, By.CSS_SELECTOR, "#login button[type=submit]")
        wait(driver, lambda d: d.find_elements(By.ID, "redrive"), "the Redrive button is gone after signing in")
        click(driver, By.ID, "redrive")
        wait(driver, lambda d: execution_status(d) == "SUCCEEDED", "flaky-1 did not succeed after Redrive")
        if graphviz:
            wait(driver, lambda d: node_status(d, "Check") == ("SUCCEEDED", COLORS["SUCCEEDED"])
                 and node_status(d, "Done") == ("SUCCEEDED", COLORS["SUCCEEDED"]), "flaky-1's graph did not turn green")
        types = [r.get_attribute("data-type") for r in driver.find_elements(By.CSS_SELECTOR, "tr.event")]
        assert "ExecutionRedriven" in types and types[-1] == "ExecutionSucceeded", types
        described = sfn.describe_execution(executionArn=flaky)
        assert described["status"] == "SUCCEEDED" and described["redriveCount"] == 1, described
        ok("Redrive after signing in runs the failed execution again, to SUCCEEDED")
        shot(driver, "execution-redriven")
        flaky_id = driver.current_url.rsplit("/", 1)[1]

        # Stop (still signed in): a running execution, blue in the graph, ends ABORTED.
        slow = sfn.start_execution(stateMachineArn=machine("slow"), name="slow-1")["executionArn"]
        driver.get(base + "/#/executions")
        wait(driver, lambda d: d.find_elements(By.LINK_TEXT, "slow-1"), "slow-1 is not listed")
        click(driver, By.LINK_TEXT, "slow-1")
        wait(driver, lambda d: execution_status(d) == "RUNNING" and d.find_elements(By.ID, "stop"), "slow-1 is not RUNNING with a Stop button")
        if graphviz:
            wait(driver, lambda d: node_status(d, "Sleep") == ("RUNNING", "#3b82f6"), "the running state is not blue")
            ok("the graph colours a running state blue")
        click(driver, By.ID, "stop")
        wait(driver, lambda d: execution_status(d) == "ABORTED", "slow-1 did not end ABORTED after Stop")
        assert sfn.describe_execution(executionArn=slow)["status"] == "ABORTED"
        ok("Stop aborts a running execution")
        shot(driver, "execution-stopped")

        # Cross-site requests: no X-Flow-Console header, or a foreign Origin, are refused even with credentials.
        import base64
        auth = "Basic " + base64.b64encode(f"{KEY_ID}:{SECRET}".encode()).decode()
        url = f"{base}/console/api/executions/{flaky_id}/redrive"
        assert post(url, {"Authorization": auth}) == 403
        assert post(url, {"Authorization": auth, "X-Flow-Console": "1", "Origin": "http://evil.example"}) == 403
        assert post(url, {"X-Flow-Console": "1"}) == 401
        ok("cross-site POSTs and POSTs without credentials are refused")

        # The registry: the model's versions, approval, lineage and a chart of a metric across versions.
        driver.get(base + "/#/models")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, 'tr.model[data-name="churn"]'), "the model churn is not listed")
        click(driver, By.LINK_TEXT, "churn")
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.version")) == 3, "churn's three versions are not shown")
        text = driver.find_element(By.ID, "versions").text
        for expected in ["Approved", "PendingManualApproval", "pipeline hash: pipelinehash2", "dataset hash: datasethash3", "exec-3"]:
            assert expected in text, f"{expected!r} not in the versions table:\n{text}"
        points = driver.find_elements(By.CSS_SELECTOR, "#metric-chart circle.point")
        assert [p.get_attribute("data-value") for p in points] == ["0.81", "0.86", "0.9"], [p.get_attribute("data-value") for p in points]
        ok("a model's page shows its versions, approval, lineage and a chart of a metric")
        shot(driver, "model")

        driver.get(base + "/#/endpoints")
        wait(driver, lambda d: "churn v2" in d.find_element(By.ID, "endpoints").text, "the endpoint serving churn v2 is not shown")
        ok("endpoints show what they serve")
        shot(driver, "endpoints")
        driver.get(base + "/#/schedules")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, 'tr[data-pipeline="nightly"] li'), "the nightly schedule is not shown")
        row = driver.find_element(By.CSS_SELECTOR, 'tr[data-pipeline="nightly"]')
        assert len(row.find_elements(By.TAG_NAME, "li")) == 5 and "0 3 * * *" in row.text and "Europe/Paris" in row.text, row.text
        ok("schedules show their next fire times")
        shot(driver, "schedules")
        # The refused Redrive's 401 is expected; nothing else may be logged as an error.
        logs = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE" and "401" not in entry.get("message", "")]
        assert not logs, f"the browser logged errors: {logs}"
        ok("no errors in the browser's console")

        # Without Graphviz (FLOW_GRAPHVIZ=off acts as a missing library) the page says why and lists the states.
        stop(server)
        server, port = start_server(FLOW_GRAPHVIZ="off")
        driver.get(f"http://127.0.0.1:{port}/#/executions/{flaky_id}")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#state-list li[data-state="Check"][data-status="SUCCEEDED"]'),
             "without Graphviz the states are not listed")
        message = driver.find_element(By.ID, "graph-missing").text
        assert "cannot be drawn" in message and "FLOW_GRAPHVIZ=off" in message, message
        ok("without Graphviz the page says why and lists the states")
        shot(driver, "execution-without-graphviz")
    finally:
        driver.quit()
        stop(server)
    print("all checks passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print("FAILED:", error, flush=True)
        sys.exit(1)
