#!/usr/bin/env python3
"""Drives `flow server` with real AWS clients: boto3 and the AWS CLI.

Usage: server_clients.py FLOW_BINARY WORK_DIR

Starts `flow server` on a free 127.0.0.1 port with an access key, then checks (printing `ok: NAME` per check):
create, start, describe until SUCCEEDED, list with pagination, the history's shape against botocore's service
model, AWS's error names, task tokens, a wrong secret key rejected, and the AWS CLI's create-state-machine /
start-execution / describe-execution / get-execution-history. Exits 1 on the first failure.
"""
import json
import os
import socket
import subprocess
import sys
import time

import boto3
import botocore.loaders
from botocore.config import Config
from botocore.exceptions import ClientError

FLOW, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
KEY_ID, SECRET = "AKIDFLOWTEST", "flow-test-secret-key"
ROLE = "arn:aws:iam::000000000000:role/flow-test"
REGION = "us-east-1"

MODEL = botocore.loaders.Loader().load_service_model("stepfunctions", "service-2")
SHAPES = MODEL["shapes"]
checked_calls = []


def check_shape(value, shape_name, path):
    """Every member known to the model, every required member present, every value of the model's type."""
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if kind == "structure":
        assert isinstance(value, dict), f"{path}: expected an object, got {value!r}"
        for member in shape.get("required", []):
            assert member in value, f"{path}: required member '{member}' is missing"
        for key, item in value.items():
            assert key in shape["members"], f"{path}: '{key}' is not a member of {shape_name}"
            check_shape(item, shape["members"][key]["shape"], f"{path}.{key}")
    elif kind == "list":
        assert isinstance(value, list), f"{path}: expected a list"
        for i, item in enumerate(value):
            check_shape(item, shape["member"]["shape"], f"{path}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), f"{path}: expected a map"
        for key, item in value.items():
            check_shape(item, shape["value"]["shape"], f"{path}.{key}")
    elif kind == "string":
        assert isinstance(value, str), f"{path}: expected a string, got {value!r}"
        if "enum" in shape:
            assert value in shape["enum"], f"{path}: '{value}' is not one of {shape['enum']}"
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: expected an integer, got {value!r}"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{path}: expected a boolean"
    elif kind == "timestamp":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{path}: expected epoch seconds, got {value!r}"
    else:
        raise AssertionError(f"{path}: unexpected shape type {kind}")


def record_raw(http_response, model, **_):
    """botocore's after-call hook: the raw JSON of each successful response, checked against the output shape."""
    if http_response.status_code != 200 or model.output_shape is None:
        return
    body = json.loads(http_response.content or b"{}")
    check_shape(body, model.output_shape.name, model.name)
    checked_calls.append(model.name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server():
    os.makedirs(os.path.join(WORK, "pipelines"), exist_ok=True)
    with open(os.path.join(WORK, "pipelines", "greet.yaml"), "w") as f:
        f.write("Flow: {Name: greet, Parameters: {greeting: hello}}\nStartAt: Say\nStates:\n  Say: {Type: Pass, End: true}\n")
    with open(os.path.join(WORK, "pipelines", "review.yaml"), "w") as f:
        f.write("Flow: {Name: review}\nStartAt: Review\nStates:\n"
                "  Review: {Type: Task, Resource: 'arn:aws:states:local:000000000000:activity:review', "
                "HeartbeatSeconds: 30, TimeoutSeconds: 120, End: true}\n")
    env = dict(os.environ, FLOW_SERVER_ACCESS_KEY_ID=KEY_ID, FLOW_SERVER_SECRET_ACCESS_KEY=SECRET, NO_COLOR="1")
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


def client(url, secret=SECRET, key_id=KEY_ID):
    # No host prefix: TestState would otherwise go to sync-HOST.
    made = boto3.client("stepfunctions", endpoint_url=url, region_name=REGION, aws_access_key_id=key_id,
                        aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}, inject_host_prefix=False))
    made.meta.events.register("after-call.sfn.*", record_raw)
    return made


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, 200


def ok(name):
    print("ok:", name, flush=True)


def wait_for_end(sfn, arn):
    for _ in range(400):
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError(f"{arn} did not end")


PASS = json.dumps({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": {"ok": True}, "ResultPath": "$.r", "Next": "B"},
    "B": {"Type": "Succeed"}}})
CALLBACK = json.dumps({"StartAt": "Ask", "States": {
    "Ask": {"Type": "Task", "Resource": "flow:echo.waitForTaskToken",
            "Parameters": {"token.$": "$$.Task.Token"}, "End": True}}})


def boto3_checks(url):
    sfn = client(url)
    machine = sfn.create_state_machine(name="hello", definition=PASS, roleArn=ROLE)["stateMachineArn"]
    assert machine == "arn:aws:states:local:000000000000:stateMachine:hello", machine
    described = sfn.describe_state_machine(stateMachineArn=machine)
    assert described["definition"] == PASS and described["name"] == "hello"
    ok("create and describe a state machine")

    started = sfn.start_execution(stateMachineArn=machine, name="first", input=json.dumps({"n": 1}))
    ended = wait_for_end(sfn, started["executionArn"])
    assert ended["status"] == "SUCCEEDED", ended
    assert json.loads(ended["output"]) == {"n": 1, "r": {"ok": True}}, ended["output"]
    ok("start and describe until SUCCEEDED")

    sfn.update_state_machine(stateMachineArn=machine, definition=PASS.replace('"ok": true', '"ok": false'))
    ran = sfn.describe_state_machine_for_execution(executionArn=started["executionArn"])
    assert json.loads(ran["definition"]) == json.loads(PASS) and ran["name"] == "hello", ran
    sfn.update_state_machine(stateMachineArn=machine, definition=PASS)
    ok("update a state machine; an execution keeps the definition it started with")

    history = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    types = [event["type"] for event in history]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded", types
    assert "PassStateEntered" in types, types
    paged = [event["id"] for page in sfn.get_paginator("get_execution_history").paginate(
        executionArn=started["executionArn"], reverseOrder=True, PaginationConfig={"PageSize": 2}) for event in page["events"]]
    assert paged == sorted((event["id"] for event in history), reverse=True), paged
    ok("history in AWS's shape, paged and reversed")

    for i in range(5):
        sfn.start_execution(stateMachineArn=machine, name=f"run-{i}")
    pages = list(sfn.get_paginator("list_executions").paginate(stateMachineArn=machine, PaginationConfig={"PageSize": 2}))
    names = [item["name"] for page in pages for item in page["executions"]]
    assert len(pages) == 3 and sorted(names) == sorted(["first"] + [f"run-{i}" for i in range(5)]), (len(pages), names)
    machines = [item["name"] for page in sfn.get_paginator("list_state_machines").paginate(PaginationConfig={"PageSize": 1})
                for item in page["stateMachines"]]
    assert machines == ["greet", "hello", "review"], machines
    ok("list executions and state machines with pagination")

    greeted = wait_for_end(sfn, sfn.start_execution(
        stateMachineArn="arn:aws:states:local:000000000000:stateMachine:greet", input='{"to": "you"}')["executionArn"])
    assert json.loads(greeted["output"]) == {"greeting": "hello", "to": "you"}, greeted
    ok("a pipeline file is a state machine")

    synced = sfn.start_sync_execution(stateMachineArn=machine, input=json.dumps({"n": 3}))
    assert synced["status"] == "SUCCEEDED" and json.loads(synced["output"]) == {"n": 3, "r": {"ok": True}}, synced
    ok("StartSyncExecution answers at the end")

    # Errors, as AWS names them, all with status 400.
    missing = "arn:aws:states:local:000000000000:execution:hello:nobody"
    expected = {
        "ExecutionDoesNotExist": error_code(sfn.describe_execution, executionArn=missing),
        "ExecutionAlreadyExists": error_code(sfn.start_execution, stateMachineArn=machine, name="first", input='{"n": 2}'),
        "StateMachineDoesNotExist": error_code(sfn.describe_state_machine,
                                               stateMachineArn="arn:aws:states:local:000000000000:stateMachine:none"),
        "InvalidDefinition": error_code(sfn.create_state_machine, name="bad", roleArn=ROLE,
                                        definition='{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}'),
        "InvalidToken": error_code(sfn.send_task_success, taskToken="not-a-token", output="{}"),
        "InvalidArn": error_code(sfn.describe_execution, executionArn="arn:aws:states:elsewhere:1:execution:a:b"),
    }
    for name, (code, status) in expected.items():
        assert (code, status) == (name, 400), f"expected {name}/400, got {code}/{status}"
    ok("errors: " + ", ".join(expected))

    asking = sfn.create_state_machine(name="ask", definition=CALLBACK, roleArn=ROLE)["stateMachineArn"]
    run = sfn.start_execution(stateMachineArn=asking, name="ask-1")["executionArn"]
    token = None
    for _ in range(200):
        events = sfn.get_execution_history(executionArn=run)["events"]
        scheduled = [e for e in events if e["type"] == "TaskScheduled"]
        if scheduled:
            token = json.loads(scheduled[0]["taskScheduledEventDetails"]["parameters"])["token"]
            break
        time.sleep(0.05)
    assert token, "the task was not scheduled"
    sfn.send_task_heartbeat(taskToken=token)
    sfn.send_task_success(taskToken=token, output='{"approved": true}')
    done = wait_for_end(sfn, run)
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"]) == {"approved": True}, done
    assert error_code(sfn.send_task_success, taskToken=token, output="{}")[0] == "TaskDoesNotExist"
    ok("task tokens: heartbeat, success, answered twice")

    code, status = error_code(client(url, secret="wrong").list_state_machines)
    assert (code, status) == ("InvalidSignatureException", 400), (code, status)
    code, status = error_code(client(url, key_id="AKIDUNKNOWN").list_state_machines)
    assert (code, status) == ("UnrecognizedClientException", 400), (code, status)
    ok("a wrong secret key and an unknown key are rejected")

    try:
        sfn.delete_state_machine_version(stateMachineVersionArn=machine + ":1")
        raise AssertionError("DeleteStateMachineVersion answered")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "UnknownOperationException", error.response
    ok("an action flow does not answer is UnknownOperationException")

    tested = sfn.test_state(definition=json.dumps({
        "Type": "Pass", "InputPath": "$.order", "Parameters": {"total.$": "States.MathAdd($.price, $.tax)"},
        "ResultPath": "$.summary", "Next": "Bill"}), roleArn=ROLE, inspectionLevel="DEBUG",
        input=json.dumps({"order": {"price": 10, "tax": 2}}))
    assert tested["status"] == "SUCCEEDED" and tested["nextState"] == "Bill", tested
    data = tested["inspectionData"]
    assert json.loads(data["afterInputPath"]) == {"price": 10, "tax": 2}, data
    assert json.loads(data["afterParameters"]) == {"total": 12}, data
    assert json.loads(tested["output"]) == {"order": {"price": 10, "tax": 2}, "summary": {"total": 12}}, tested
    caught = sfn.test_state(definition=json.dumps({
        "Type": "Task", "Resource": "flow:echo", "Next": "Done",
        "Retry": [{"ErrorEquals": ["Throttled"], "MaxAttempts": 2}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}]}),
        input="{}", mock={"errorOutput": {"error": "Boom", "cause": "mocked"}})
    assert caught["status"] == "CAUGHT_ERROR" and caught["nextState"] == "Recover" and caught["error"] == "Boom", caught
    retried = sfn.test_state(definition=json.dumps({
        "Type": "Task", "Resource": "flow:echo", "End": True,
        "Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 3, "MaxAttempts": 2}]}),
        input="{}", inspectionLevel="DEBUG", mock={"errorOutput": {"error": "Throttled", "cause": "slow down"}})
    assert retried["status"] == "RETRIABLE", retried
    assert retried["inspectionData"]["errorDetails"] == {"retryIndex": 0, "retryBackoffIntervalSeconds": 3}, retried
    mocked = sfn.test_state(definition=json.dumps({
        "Type": "Task", "Resource": "flow:echo", "ResultSelector": {"v.$": "$.Payload"}, "End": True}),
        input="{}", inspectionLevel="DEBUG", mock={"result": json.dumps({"Payload": 7})})
    assert mocked["status"] == "SUCCEEDED" and json.loads(mocked["output"]) == {"v": 7}, mocked
    assert error_code(sfn.test_state, definition=json.dumps({"Type": "Task", "Resource": "flow:echo", "End": True}))[0] \
        == "ValidationException"
    ok("TestState: Pass stages, a caught and a retriable mocked error, a mocked result; no mock is ValidationException")

    needed = {"CreateStateMachine", "DescribeStateMachine", "StartExecution", "DescribeExecution", "GetExecutionHistory",
              "ListExecutions", "ListStateMachines", "SendTaskSuccess", "SendTaskHeartbeat", "StartSyncExecution",
              "TestState"}
    assert needed <= set(checked_calls), needed - set(checked_calls)
    ok(f"{len(checked_calls)} raw responses match botocore's service model")


WORKER = r"""
import json, sys, boto3
from botocore.config import Config
url, key_id, secret, activity = sys.argv[1:5]
sfn = boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key_id,
                   aws_secret_access_key=secret, config=Config(read_timeout=70, retries={"max_attempts": 1}))
while True:
    task = sfn.get_activity_task(activityArn=activity, workerName="python-worker")
    if "taskToken" not in task:
        continue
    work = json.loads(task["input"])
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps({"reviewed": work["doc"], "by": "python"}))
    print("answered", flush=True)
    break
"""


def activity_checks(url):
    sfn = client(url)
    review = sfn.create_activity(name="review")["activityArn"]
    assert review == "arn:aws:states:local:000000000000:activity:review", review
    assert sfn.describe_activity(activityArn=review)["name"] == "review"
    for name in ("a1", "a2", "a3"):
        sfn.create_activity(name=name)
    names = [item["name"] for page in sfn.get_paginator("list_activities").paginate(PaginationConfig={"PageSize": 2})
             for item in page["activities"]]
    assert names == ["a1", "a2", "a3", "review"], names
    sfn.delete_activity(activityArn="arn:aws:states:local:000000000000:activity:a3")
    missing = "arn:aws:states:local:000000000000:activity:a3"
    assert error_code(sfn.describe_activity, activityArn=missing) == ("ActivityDoesNotExist", 400)
    assert error_code(sfn.get_activity_task, activityArn=missing) == ("ActivityDoesNotExist", 400)
    ok("create, describe, list (paged), delete activities; ActivityDoesNotExist")

    # A worker in another process (boto3) answers the activity task of the pipeline file review.yaml.
    worker = subprocess.Popen([sys.executable, "-c", WORKER, url, KEY_ID, SECRET, review], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    run = sfn.start_execution(stateMachineArn="arn:aws:states:local:000000000000:stateMachine:review",
                              input=json.dumps({"doc": "paper.pdf"}))["executionArn"]
    done = wait_for_end(sfn, run)
    output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0 and "answered" in output, output
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {"reviewed": "paper.pdf", "by": "python"}, done
    ok("a boto3 activity worker in another process answers a pipeline's activity task")

    # Taken but not heartbeated within HeartbeatSeconds: the Task times out; a late answer is TaskTimedOut.
    late = sfn.create_state_machine(name="late", roleArn=ROLE, definition=json.dumps({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": review, "HeartbeatSeconds": 1,
                 "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Rest"}], "Next": "Rest"},
        "Rest": {"Type": "Wait", "Seconds": 30, "End": True}}}))["stateMachineArn"]
    run = sfn.start_execution(stateMachineArn=late)["executionArn"]
    token = None
    for _ in range(20):
        token = client(url).get_activity_task(activityArn=review, workerName="slow").get("taskToken")
        if token:
            break
    assert token, "no activity task"
    time.sleep(1.6)
    assert error_code(sfn.send_task_success, taskToken=token, output="{}") == ("TaskTimedOut", 400)
    types = [e["type"] for e in sfn.get_execution_history(executionArn=run)["events"]]
    assert "ActivityTimedOut" in types and "ActivityStarted" in types and "TaskScheduled" not in types, types
    sfn.stop_execution(executionArn=run)
    assert error_code(sfn.send_task_success, taskToken=token, output="{}") == ("TaskDoesNotExist", 400)
    ok("a task not heartbeated times out; late answers are TaskTimedOut, after the end TaskDoesNotExist")

    sfn.tag_resource(resourceArn=review, tags=[{"key": "team", "value": "ml"}, {"key": "env", "value": "dev"}])
    sfn.untag_resource(resourceArn=review, tagKeys=["env"])
    assert sfn.list_tags_for_resource(resourceArn=review)["tags"] == [{"key": "team", "value": "ml"}]
    ok("tag, untag and list the tags of an activity")

    tagged = sfn.create_state_machine(name="tagged", definition=PASS, roleArn=ROLE,
                                      tags=[{"key": "team", "value": "ml"}])["stateMachineArn"]
    assert sfn.list_tags_for_resource(resourceArn=tagged)["tags"] == [{"key": "team", "value": "ml"}]
    ok("tags on CreateStateMachine")


def version_checks(url):
    sfn = client(url)

    def pass_value(value):
        return json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": value, "End": True}}})

    def run(arn):
        done = wait_for_end(sfn, sfn.start_execution(stateMachineArn=arn)["executionArn"])
        return json.loads(done["output"])

    machine = sfn.create_state_machine(name="versioned", definition=pass_value(1), roleArn=ROLE)["stateMachineArn"]
    v1 = sfn.publish_state_machine_version(stateMachineArn=machine, description="first")["stateMachineVersionArn"]
    sfn.update_state_machine(stateMachineArn=machine, definition=pass_value(2))
    v2 = sfn.publish_state_machine_version(stateMachineArn=machine)["stateMachineVersionArn"]
    assert (v1, v2) == (machine + ":1", machine + ":2"), (v1, v2)
    versions, token = [], None
    while True:  # botocore has no paginator for it: nextToken by hand
        page = sfn.list_state_machine_versions(stateMachineArn=machine, maxResults=1, **({"nextToken": token} if token else {}))
        versions += [item["stateMachineVersionArn"] for item in page["stateMachineVersions"]]
        token = page.get("nextToken")
        if not token:
            break
    assert versions == [v2, v1], versions
    assert run(v1) == 1 and run(v2) == 2
    alias = sfn.create_state_machine_alias(name="prod", routingConfiguration=[
        {"stateMachineVersionArn": v1, "weight": 100}])["stateMachineAliasArn"]
    assert alias == machine + ":prod" and run(alias) == 1
    sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=[
        {"stateMachineVersionArn": v1, "weight": 0}, {"stateMachineVersionArn": v2, "weight": 100}])
    assert run(alias) == 2
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert described["name"] == "prod" and len(described["routingConfiguration"]) == 2, described
    assert [a["stateMachineAliasArn"] for a in sfn.list_state_machine_aliases(stateMachineArn=machine)["stateMachineAliases"]] == [alias]
    assert error_code(sfn.describe_state_machine_alias, stateMachineAliasArn=machine + ":none")[0] == "ResourceNotFound"
    ok("versions and aliases: publish, list (paged), alias routing, StartExecution on a version and an alias")


def sdk_checks(url):
    """The AWS Step Functions Data Science SDK (`stepfunctions` from PyPI) through a boto3 client on flow server."""
    try:
        from stepfunctions.steps import Chain, Choice, ChoiceRule, Parallel, Pass, Task
        from stepfunctions.workflow import Workflow
    except Exception as error:
        if os.environ.get("FLOW_REQUIRE_SDK") == "1":
            raise
        print("skip: the Step Functions Data Science SDK does not import:", repr(error), flush=True)
        return
    sfn = client(url)
    activity = sfn.create_activity(name="sdk-work")["activityArn"]

    def worker():
        own = client(url)
        while True:
            task = own.get_activity_task(activityArn=activity, workerName="sdk-worker")
            if "taskToken" in task:
                n = json.loads(task["input"])["n"]
                own.send_task_success(taskToken=task["taskToken"], output=json.dumps({"n": n * 10}))
                return

    import threading
    answering = threading.Thread(target=worker, daemon=True)
    answering.start()
    start = Pass("Start", parameters={"n.$": "$.n"})
    work = Task("Work", resource=activity)
    parallel = Parallel("Both")
    parallel.add_branch(Pass("Left", result="left"))
    parallel.add_branch(Pass("Right", result="right"))
    small = Pass("Small", result="small")
    choose = Choice("Big?")
    choose.add_choice(rule=ChoiceRule.NumericGreaterThan(variable="$.n", value=10), next_step=parallel)
    choose.default_choice(next_step=small)
    workflow = Workflow(name="sdk-workflow", definition=Chain([start, work, choose]), role=ROLE, client=sfn)
    arn = workflow.create()
    assert arn == "arn:aws:states:local:000000000000:stateMachine:sdk-workflow", arn
    execution = workflow.execute(inputs={"n": 2})
    output = execution.get_output(wait=True)
    assert output == ["left", "right"], output
    answering.join(timeout=30)
    events = execution.list_events()
    types = [event["type"] for event in events]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded", types
    assert "ParallelStateEntered" in types and "ChoiceStateEntered" in types, types
    ok("the Step Functions Data Science SDK: Pass, Choice, Task (activity), Parallel; create, execute, get_output, list_events")


def cli_checks(url):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION=REGION,
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_PAGER="")

    def aws(*args):
        result = subprocess.run([sys.executable, "-m", "awscli", "stepfunctions", *args, "--endpoint-url", url,
                                 "--output", "json"], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"aws {' '.join(args)}: {result.stderr}"
        return json.loads(result.stdout)

    machine = aws("create-state-machine", "--name", "cli", "--definition", PASS, "--role-arn", ROLE)["stateMachineArn"]
    execution = aws("start-execution", "--state-machine-arn", machine, "--name", "cli-1", "--input", '{"from": "cli"}')["executionArn"]
    for _ in range(100):
        described = aws("describe-execution", "--execution-arn", execution)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.1)
    assert described["status"] == "SUCCEEDED", described
    events = aws("get-execution-history", "--execution-arn", execution)["events"]
    assert events[0]["type"] == "ExecutionStarted" and events[-1]["type"] == "ExecutionSucceeded", events
    ok("aws stepfunctions create-state-machine / start-execution / describe-execution / get-execution-history")


def stop(server):
    server.terminate()
    try:
        return server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        raise AssertionError("flow server did not stop within 20 s of SIGTERM")


def main():
    server, port = start_server()
    url = f"http://127.0.0.1:{port}"
    try:
        boto3_checks(url)
        activity_checks(url)
        version_checks(url)
        sdk_checks(url)
        cli_checks(url)
        # An execution running when the server stops is interrupted, stays RUNNING, and the next server resumes it.
        sfn = client(url)
        slow = sfn.create_state_machine(name="slow", roleArn=ROLE, definition=json.dumps(
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 2, "Next": "Done"}, "Done": {"Type": "Succeed"}}}))
        survivor = sfn.start_execution(stateMachineArn=slow["stateMachineArn"], name="survivor")["executionArn"]
        time.sleep(0.5)
    finally:
        status = stop(server)
    assert status == 0, f"flow server exited with {status} on SIGTERM"
    server, port = start_server()
    try:
        sfn = client(f"http://127.0.0.1:{port}")
        assert sfn.describe_execution(executionArn=survivor)["status"] == "RUNNING"
        resumed = wait_for_end(sfn, survivor)
        assert resumed["status"] == "SUCCEEDED", resumed
        types = [e["type"] for e in sfn.get_execution_history(executionArn=survivor)["events"]]
        assert types.count("WaitStateEntered") == 1 and types[-1] == "ExecutionSucceeded", types
        ok("SIGTERM stops the server; the next one resumes the interrupted execution")
    finally:
        stop(server)
    print("all checks passed")


if __name__ == "__main__":
    main()
