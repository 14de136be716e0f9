"""Deploys generated landing zones into a local AWS emulator and reads back
what it built.

For each answer set: render it with lzgen, start moto_server on 127.0.0.1,
create the organization and its accounts through the Organizations API (the
organization stack is not deployed in these sets; `deploy.sh
--skip-organization` is the same path a user with an existing organization
takes, and the --scale sets below deploy the organization's stacks), run the generated
scripts/deploy.sh with the AWS CLI, then assert on what moto modelled: every
stack complete, the artifact keys' policies, the deployment roles and their
trust policies, the pipeline role's reach. Resource types moto skips are
listed, and checked on the rendered templates by the Rust tests instead.

An answer set given after --scale (an organization of hundreds of accounts)
gets its organization and artifact stacks deployed from their templates and
parameter files, as deploy.sh would deploy them, and checked: every account
in its OU, every SCP on its targets (moto_server.py models the Organizations
resources for CloudFormation); the rest of such a landing zone is what the
smaller sets already deploy, account by account.

Usage: moto_deploy.py LZGEN_BINARY WORK_DIR [lzgen args...] [-- more answer sets]
                      [--scale lzgen args...]
Prints one line per check and closes with "N passed, M failed".
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import yaml

RESULTS = {"passed": 0, "failed": 0}


def check(condition, what):
    RESULTS["passed" if condition else "failed"] += 1
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    def __init__(self, account_ids=()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            # moto_server, with StackSet instances' parameters merged as AWS does (see moto_server.py).
            [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "moto_server.py"),
             "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(os.environ, LZGEN_MOTO_ACCOUNT_IDS=",".join(account_ids)),
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError("moto_server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def base_env(moto, region):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=moto.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=region,
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
    )
    return env


def session(moto, region, account=None):
    """A boto3 session for the management account, or for `account` through
    OrganizationAccountAccessRole, as the deploy script reaches it."""
    kwargs = dict(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region)
    if account is None:
        return boto3.Session(**kwargs)
    sts = boto3.client("sts", endpoint_url=moto.url, **kwargs)
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="check"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def statements(document):
    doc = document
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except json.JSONDecodeError:
            # moto hands back some inline policies as Python literals.
            import ast
            doc = ast.literal_eval(doc)
    found = doc.get("Statement", [])
    return found if isinstance(found, list) else [found]


def by_sid(document, sid):
    return next((s for s in statements(document) if s.get("Sid") == sid), None)


def as_list(value):
    return value if isinstance(value, list) else [value]


SHIM = """#!/usr/bin/env bash
# Stands in front of the AWS CLI for one stack ($SHIM_STACK): reports it as in
# progress once, then as ROLLBACK_COMPLETE, until it is deleted. Every other
# call, and that delete, goes on to the real CLI.
if [[ " $* " == *" --stack-name $SHIM_STACK "* ]] && [ ! -e "$SHIM_STATE.deleted" ]; then
  case " $* " in
    *" delete-stack "*) : > "$SHIM_STATE.deleted" ;;
    *" describe-stacks "*"Stacks[0].StackStatus"*)
      if [ -e "$SHIM_STATE.polled" ]; then echo ROLLBACK_COMPLETE; else : > "$SHIM_STATE.polled"; echo CREATE_IN_PROGRESS; fi
      exit 0 ;;
  esac
fi
exec REAL_AWS "$@"
"""


def deploy_sh(repo, env, work, log_name):
    # moto never finishes a stack whose creation it failed: wait 2 minutes,
    # not an hour, before calling it stuck.
    env = dict(env, DEPLOY_WAIT_MINUTES="2")
    run = subprocess.run(
        ["bash", "scripts/deploy.sh", "--skip-organization"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=1800,
    )
    with open(os.path.join(work, log_name), "w") as log:
        log.write(run.stdout + run.stderr)
    return run


def run_answer_set(lzgen, work, name, args, recovery=False):
    print(f"\n== {name}: lzgen new {' '.join(args)}", flush=True)
    repo = os.path.join(work, name)
    subprocess.run([lzgen, "--quiet", "new", repo, *args], check=True)
    answers = yaml.safe_load(open(os.path.join(repo, "lzgen.yaml")))
    org = answers["organization"]
    org_name, home = org["name"], org["home_region"]
    regions = org.get("regions") or [home]
    app = answers["pipeline"]["application"]
    compute = answers["pipeline"]["deploy"]["compute"]

    # An adopted account is already a member of the organization, in its OU:
    # moto gives the first accounts created the adopted accounts' IDs.
    adopted = [a for a in answers["accounts"] if "id" in a]
    moto = Moto([a["id"] for a in adopted])
    try:
        mgmt = session(moto, home)
        orgs = mgmt.client("organizations", endpoint_url=moto.url)
        orgs.create_organization(FeatureSet="ALL")
        # The OU tree, as the organization stack would make it: the StackSets
        # target OUs, which deploy.sh finds by path.
        root = orgs.list_roots()["Roots"][0]["Id"]
        ou_ids = {}

        def make_ous(tree, parent, prefix):
            for ou in tree or []:
                path = f"{prefix}{ou['name']}"
                ou_ids[path] = orgs.create_organizational_unit(ParentId=parent, Name=ou["name"])["OrganizationalUnit"]["Id"]
                make_ous(ou.get("children"), ou_ids[path], path + "/")

        make_ous(answers.get("organizational_units"), root, "")
        ids = {}
        for account in adopted + [a for a in answers["accounts"] if "id" not in a]:
            email = account.get("email") or f"aws+{account['name']}@example.org"
            created = orgs.create_account(Email=email, AccountName=f"{org_name}-{account['name']}")
            status = orgs.describe_create_account_status(
                CreateAccountRequestId=created["CreateAccountStatus"]["Id"]
            )["CreateAccountStatus"]
            ids[account["name"]] = status["AccountId"]
            if "id" in account and status["AccountId"] != account["id"]:
                raise RuntimeError(f"moto made {account['name']} {status['AccountId']}, not {account['id']}")
            orgs.move_account(AccountId=ids[account["name"]], SourceParentId=root,
                              DestinationParentId=ou_ids[account["ou"]])
        holder = {
            role: next(a["name"] for a in answers["accounts"] if role in a["roles"])
            for role in ("tooling", "artifact", "log-archive")
        }
        workloads = [a["name"] for a in answers["accounts"] if "workload" in a["roles"]]
        tooling, artifact = ids[holder["tooling"]], ids[holder["artifact"]]

        env = base_env(moto, home)
        # moto has no AWS::CodeConnections::Connection: the tooling stack is
        # given a connection of the user's own instead (the same path a team
        # with an activated connection takes), and the created connection is
        # checked on the template by the Rust tests.
        env["CODECONNECTIONS_CONNECTION_ARN"] = (
            f"arn:aws:codeconnections:{home}:{tooling}:connection/0a1b2c3d-0000-4000-8000-000000000000"
        )
        deploy = deploy_sh(repo, env, work, f"{name}.deploy.log")
        # Two organization-wide steps moto cannot take: it has no GuardDuty
        # UpdateOrganizationConfiguration, and its Organizations does not know
        # config.amazonaws.com as a service principal (AWS documents it for
        # aggregators in a delegated administrator). deploy.sh carries on past
        # them, lists them under "Not finished" and exits 1. Anything else
        # unfinished is a failure.
        output = deploy.stdout + deploy.stderr
        unfinished = []
        if "==> Not finished" in output:
            tail = output.split("==> Not finished", 1)[1]
            unfinished = [line.strip()[2:] for line in tail.splitlines() if line.strip().startswith("- ")]
        # Nor has it ActivateOrganizationsAccess: its StackSets reach member
        # accounts without trusted access.
        emulator_gap = [
            u for u in unfinished
            if u == "activate trusted access for CloudFormation StackSets"
            or u.startswith("turn on GuardDuty for every member account in ")
            or (u.startswith("make ") and u.endswith(" the AWS Config administrator"))
        ]
        ok = deploy.returncode == 0 or (deploy.returncode == 1 and unfinished and unfinished == emulator_gap)
        if not check(ok, f"{name}: scripts/deploy.sh --skip-organization deploys every stack; unfinished: {unfinished or 'nothing'}"):
            print("\n".join(output.splitlines()[-30:]))
            return

        # A second run after a complete one changes nothing: every stack is
        # found deployed from the same template and parameters, and the run
        # ends as the first did.
        again = deploy_sh(repo, env, work, f"{name}.deploy-again.log")
        out2 = again.stdout + again.stderr
        steps = [l for l in out2.splitlines() if l.startswith("==> ") and " (account " in l]
        unchanged = out2.splitlines().count("no changes")
        check(again.returncode == deploy.returncode and steps and unchanged == len(steps),
              f"{name}: a second run of deploy.sh changes nothing ({unchanged} of {len(steps)} stacks unchanged) "
              f"and exits {again.returncode} as the first did")

        # A run after a failed creation recovers. moto has no rollback, so a
        # stand-in in front of the AWS CLI reports one stack as still in
        # progress, then as ROLLBACK_COMPLETE, until deploy.sh deletes it;
        # the delete and the new creation go to moto.
        if recovery:
            victim = f"{org_name}-governance"
            shim = os.path.abspath(os.path.join(work, f"{name}.shim"))
            os.makedirs(shim, exist_ok=True)
            with open(os.path.join(shim, "aws"), "w") as f:
                f.write(SHIM.replace("REAL_AWS", os.path.join(os.path.dirname(sys.executable), "aws")))
            os.chmod(os.path.join(shim, "aws"), 0o755)
            env3 = dict(env, PATH=shim + os.pathsep + env["PATH"], SHIM_STACK=victim,
                        SHIM_STATE=os.path.join(shim, "state"))
            third = deploy_sh(repo, env3, work, f"{name}.deploy-recover.log")
            out3 = third.stdout + third.stderr
            cfn = session(moto, home, tooling).client("cloudformation", endpoint_url=moto.url)
            status = cfn.describe_stacks(StackName=victim)["Stacks"][0]["StackStatus"]
            check(third.returncode == deploy.returncode
                  and f"{victim} is ROLLBACK_COMPLETE after a failed creation: deleting it to create it again" in out3
                  and os.path.exists(os.path.join(shim, "state.deleted")) and status == "CREATE_COMPLETE",
                  f"{name}: after {victim} was left in ROLLBACK_COMPLETE, deploy.sh waits, deletes it, creates it again "
                  f"({status}) and exits {third.returncode}")

        # Every stack but the organization's is complete, in its account and region.
        expected = {}
        for region in regions:
            expected.setdefault((artifact, region), []).append(f"{org_name}-artifact-{region}")
        expected.setdefault((ids[holder["log-archive"]], home), []).append(f"{org_name}-log-archive")
        expected.setdefault((tooling, home), []).append(f"{org_name}-tooling")
        if answers["logging"]["organization_trail"]:
            expected.setdefault((None, home), []).append(f"{org_name}-organization-trail")
        security_holder = next((a["name"] for a in answers["accounts"] if "security" in a["roles"]), holder["log-archive"])
        sec = answers["security"]
        expected.setdefault((tooling, home), []).append(f"{org_name}-governance")
        for region in regions:
            if answers["logging"]["cloudwatch_logs_to_s3"]:
                expected.setdefault((ids[holder["log-archive"]], region), []).append(f"{org_name}-log-destination-{region}")
            if sec["guardduty"] or sec["access_analyzer"] or sec["security_hub"] or (region == home and sec["config_rules"]):
                expected.setdefault((ids[security_holder], region), []).append(f"{org_name}-security-{region}")
            if region == home or sec["config_rules"]:
                expected.setdefault((None, region), []).append(f"{org_name}-baseline-management-{region}")

        # The StackSets, administered from the management account in the home
        # region: the baseline in every member account (the other regions'
        # from a StackSet of their own), the roles in every workload account.
        # moto models service-managed instances (it creates their resources in
        # the member account) but not AccountFilterType, automatic deployment
        # or AutoDeployment.DependsOn: those are checked on deploy.sh's calls
        # by tests/integration/template_bucket.rs.
        members = [ids[a["name"]] for a in answers["accounts"]]
        others = [r for r in regions if r != home] if sec["config_rules"] else []
        sets = [(f"{org_name}-baseline", members, [home]),
                (f"{org_name}-workload-roles", [ids[w] for w in workloads], [home]),
                (f"{org_name}-workload-targets", [ids[w] for w in workloads], regions)]
        if others:
            sets.append((f"{org_name}-baseline-regions", members, others))
        mgmt_cfn = session(moto, home).client("cloudformation", endpoint_url=moto.url)
        for set_name, accounts, set_regions in sets:
            described = mgmt_cfn.describe_stack_set(StackSetName=set_name)["StackSet"]
            check(described["PermissionModel"] == "SERVICE_MANAGED",
                  f"{name}: StackSet {set_name} has service-managed permissions")
            instances = mgmt_cfn.list_stack_instances(StackSetName=set_name)["Summaries"]
            got = {(i["Account"], i["Region"]) for i in instances if i["Status"] == "CURRENT"}
            want = {(a, r) for a in accounts for r in set_regions}
            check(want <= got, f"{name}: StackSet {set_name} has a current instance in each of "
                               f"{len(accounts)} accounts x {', '.join(set_regions)} (missing {sorted(want - got)})")
        skipped_types = set()
        for (account, region), stacks in sorted(expected.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
            cfn = session(moto, region, account).client("cloudformation", endpoint_url=moto.url)
            for stack in stacks:
                got = cfn.describe_stacks(StackName=stack)["Stacks"][0]
                check(got["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"),
                      f"{name}: stack {stack} in {account or 'the management account'}/{region} is {got['StackStatus']}")
                template = cfn.get_template(StackName=stack)["TemplateBody"]
                # Resources under a condition may rightly be absent (the
                # baseline's IAM roles outside the home region).
                declared = {r["Type"] for r in (yaml.load(template, Loader=CfnLoader) if isinstance(template, str) else template)["Resources"].values() if "Condition" not in r}
                modelled = {r["ResourceType"] for r in cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]}
                skipped_types |= declared - modelled
        print(f"     {name}: resource types the emulator accepts but does not model: {', '.join(sorted(skipped_types)) or 'none'}")
        stack_count = sum(len(v) for v in expected.values())
        print(f"     {name}: {stack_count} stacks checked")

        # Each workload account's VPC in each region has the block deploy.sh
        # passed for it (its own Networks override), not another account's.
        import re
        import shlex
        deploy_text = open(os.path.join(repo, "scripts", "deploy.sh")).read()
        env_of = {re.sub(r"[^A-Z0-9]", "_", f"ACCOUNT_ID_{a['name'].upper()}"): a["name"] for a in answers["accounts"]}
        for line in deploy_text.splitlines():
            if not line.startswith(f"deploy_stack_instance '{org_name}-workload-targets' "):
                continue
            words = shlex.split(line, posix=False)
            who = words[2].strip('"')
            account = ids[env_of[who[2:-1]]] if who.startswith("${") else who
            target_regions = words[4].strip("'").split()
            blocks = words[5].strip("'").split(",")
            for i, region in enumerate(target_regions):
                ec2 = session(moto, region, account).client("ec2", endpoint_url=moto.url)
                cidrs = {v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"]}
                check(blocks[5 * i] in cidrs,
                      f"{name}: account {account} has its own VPC {blocks[5 * i]} in {region} (found {sorted(cidrs)})")

        # Delegated administration, as deploy.sh registered it.
        delegated = orgs.list_delegated_administrators()["DelegatedAdministrators"]
        check([d["Id"] for d in delegated] == ([ids[security_holder]] if sec["access_analyzer"] else []),
              f"{name}: the security account is the only delegated administrator")
        services = {s["ServicePrincipal"] for s in orgs.list_delegated_services_for_account(AccountId=ids[security_holder])["DelegatedServices"]} if delegated else set()
        want = {"access-analyzer.amazonaws.com"} if sec["access_analyzer"] else set()
        check(services == want, f"{name}: delegated services {sorted(services)} are {sorted(want)}")
        if sec["guardduty"]:
            for region in regions:
                gd = session(moto, region).client("guardduty", endpoint_url=moto.url)
                admins = [a["AdminAccountId"] for a in gd.list_organization_admin_accounts()["AdminAccounts"]]
                # deploy.sh ran more than once here, and moto lists an
                # administrator once per call that made it one.
                check(set(admins) == {ids[security_holder]}, f"{name}: GuardDuty's administrator in {region} is the security account")

        # The drift reader in every account: trusted only by the drift function's role.
        drift_function_role = f"arn:aws:iam::{tooling}:role/{org_name}-drift-detection"
        for a in answers["accounts"]:
            iam = session(moto, home, ids[a["name"]]).client("iam", endpoint_url=moto.url)
            role = iam.get_role(RoleName=f"{org_name}-drift-reader")["Role"]
            trust = statements(role["AssumeRolePolicyDocument"])
            check(len(trust) == 1 and trust[0]["Principal"] == {"AWS": f"arn:aws:iam::{tooling}:root"}
                  and trust[0]["Condition"] == {"ArnEquals": {"aws:PrincipalArn": drift_function_role}},
                  f"{name}: {a['name']}'s drift reader trusts only {drift_function_role}")
            inline = iam.get_role_policy(RoleName=f"{org_name}-drift-reader", PolicyName="detect-drift")["PolicyDocument"]
            detect = by_sid(inline, "DetectDriftOnTheLandingZonesStacks")
            check(sorted(as_list(detect["Resource"])) == sorted([
                      f"arn:aws:cloudformation:*:{ids[a['name']]}:stack/{org_name}-*/*",
                      f"arn:aws:cloudformation:*:{ids[a['name']]}:stack/StackSet-{org_name}-*/*"])
                  and all(x.startswith("cloudformation:") for x in as_list(detect["Action"])),
                  f"{name}: {a['name']}'s drift reader detects drift only on the landing zone's own stacks")
            writes = [x for st in statements(inline) for x in as_list(st["Action"])
                      if not any(x.startswith(p) for p in ("cloudformation:Describe", "cloudformation:Detect", "cloudformation:List")) and not any(v in x.split(":")[1] for v in ("Get", "Describe", "List"))]
            check(writes == [], f"{name}: {a['name']}'s drift reader changes nothing, found {writes}")

        # The artifact keys: administration for the artifact account only; use
        # by the pipeline and build roles, and by each workload's deployment role.
        partition = "aws"
        pipeline_role = f"arn:{partition}:iam::{tooling}:role/{org_name}-{app}-pipeline"
        build_role = f"arn:{partition}:iam::{tooling}:role/{org_name}-{app}-build"
        # The workload accounts' roles are granted by name within the
        # organization, so that no policy grows with the accounts.
        organization_id = orgs.describe_organization()["Organization"]["Id"]
        deploy_roles = [f"arn:{partition}:iam::*:role/{org_name}-{app}-deploy"]
        deployer_role = f"arn:{partition}:iam::{tooling}:role/{org_name}-{app}-deployer"
        instance_roles = [f"arn:{partition}:iam::*:role/{org_name}-{app}-instance"]
        for region in regions:
            kms = session(moto, region, artifact).client("kms", endpoint_url=moto.url)
            cfn = session(moto, region, artifact).client("cloudformation", endpoint_url=moto.url)
            key_id = next(r["PhysicalResourceId"] for r in cfn.list_stack_resources(
                StackName=f"{org_name}-artifact-{region}")["StackResourceSummaries"] if r["LogicalResourceId"] == "ArtifactKey")
            policy = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
            admin = by_sid(policy, "KeyAdministrationByThisAccount")
            check(admin and admin["Principal"]["AWS"] == f"arn:{partition}:iam::{artifact}:root",
                  f"{name}: {region} key: administration only by the artifact account {artifact}")
            use = by_sid(policy, "UseByThePipelineAndTheBuild")
            tooling_roles = [pipeline_role, build_role] + ([deployer_role] if compute == "lambda" else [])
            check(use and sorted(as_list(use["Condition"]["ArnEquals"]["aws:PrincipalArn"])) == sorted(tooling_roles)
                  and use["Principal"]["AWS"] == f"arn:{partition}:iam::{tooling}:root",
                  f"{name}: {region} key: use by {', '.join(tooling_roles)} only")
            dep = by_sid(policy, "UseByTheDeploymentRoles")
            readers = deploy_roles + (instance_roles if compute == "ec2" else [])
            check(dep and dep["Principal"]["AWS"] == "*"
                  and sorted(as_list(dep["Condition"]["ArnLike"]["aws:PrincipalArn"])) == sorted(readers)
                  and dep["Condition"]["StringEquals"]["aws:PrincipalOrgID"] == organization_id,
                  f"{name}: {region} key: use by {', '.join(sorted(readers))} only, inside organization {organization_id}")

        # The deployment roles: trusted only by the tooling account, only for
        # the pipeline role; allowed only what an ECS blue/green deployment needs.
        for w in workloads:
            iam = session(moto, home, ids[w]).client("iam", endpoint_url=moto.url)
            role = iam.get_role(RoleName=f"{org_name}-{app}-deploy")["Role"]
            trust = statements(role["AssumeRolePolicyDocument"])
            trusted = deployer_role if compute == "lambda" else pipeline_role
            check(len(trust) == 1 and trust[0]["Principal"]["AWS"] == f"arn:{partition}:iam::{tooling}:root"
                  and trust[0]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == trusted,
                  f"{name}: {w} deployment role trusts only {trusted}")
            policy = iam.get_role_policy(RoleName=role["RoleName"], PolicyName="deploy")["PolicyDocument"]
            actions = sorted({a for s in statements(policy) for a in as_list(s["Action"])})
            expected_actions = [
                "codedeploy:CreateDeployment", "codedeploy:GetApplication", "codedeploy:GetApplicationRevision",
                "codedeploy:GetDeployment", "codedeploy:GetDeploymentConfig", "codedeploy:RegisterApplicationRevision"]
            if compute == "lambda":
                expected_actions += ["lambda:GetAlias", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
                                     "lambda:PublishVersion", "lambda:UpdateFunctionCode"]
            else:
                expected_actions += ["kms:Decrypt", "kms:DescribeKey", "s3:GetObject", "s3:GetObjectVersion"]
            if compute == "ecs":
                expected_actions += ["ecs:RegisterTaskDefinition", "iam:PassRole"]
            check(actions == sorted(expected_actions), f"{name}: {w} deployment role may only: {', '.join(actions)}")
            if compute == "ecs":
                passrole = by_sid(policy, "PassOnlyTheApplicationRoles")
                check(passrole and passrole["Condition"]["StringEquals"]["iam:PassedToService"] == "ecs-tasks.amazonaws.com",
                      f"{name}: {w} deployment role passes roles only to ecs-tasks.amazonaws.com")
            elif compute == "lambda":
                fn = session(moto, home, ids[w]).client("lambda", endpoint_url=moto.url)
                # moto skips AWS::Lambda::Alias; the function itself it models.
                config = fn.get_function(FunctionName=f"{org_name}-{app}")["Configuration"]
                check(config["Role"].endswith(f":role/{org_name}-{app}-function") and config["Runtime"].startswith(("nodejs", "python")),
                      f"{name}: {w} function {org_name}-{app} runs {config['Runtime']} with its own role")
            else:
                instance = iam.get_role_policy(RoleName=f"{org_name}-{app}-instance", PolicyName="fetch-releases")["PolicyDocument"]
                reach = sorted({a for s in statements(instance) for a in as_list(s["Action"])})
                check(reach == ["kms:Decrypt", "kms:DescribeKey", "s3:GetObject", "s3:GetObjectVersion"],
                      f"{name}: {w} instances may only fetch and decrypt releases: {', '.join(reach)}")
            exec_role = iam.get_role(RoleName=f"{org_name}-{app}-cfn-exec")["Role"]
            exec_trust = statements(exec_role["AssumeRolePolicyDocument"])[0]
            check(exec_trust["Principal"]["Service"] == "cloudformation.amazonaws.com"
                  and exec_trust["Condition"]["StringEquals"]["aws:SourceAccount"] == ids[w],
                  f"{name}: {w} CloudFormation execution role trusts cloudformation.amazonaws.com from {ids[w]} only")

        # Only one role in the tooling account reaches the deployment roles of
        # the stage accounts: the pipeline's, or for Lambda the deployer's.
        iam = session(moto, home, tooling).client("iam", endpoint_url=moto.url)
        if compute == "lambda":
            policy = iam.get_role_policy(RoleName=f"{org_name}-{app}-deployer", PolicyName="deploy-lambda")["PolicyDocument"]
            pipeline_policy = iam.get_role_policy(RoleName=f"{org_name}-{app}-pipeline", PolicyName="pipeline")["PolicyDocument"]
            check(by_sid(pipeline_policy, "AssumeTheDeploymentRoles") is None,
                  f"{name}: the pipeline role itself assumes no deployment role")
        else:
            policy = iam.get_role_policy(RoleName=f"{org_name}-{app}-pipeline", PolicyName="pipeline")["PolicyDocument"]
        assume = by_sid(policy, "AssumeTheDeploymentRoles")
        check(assume and sorted(as_list(assume["Resource"])) == deploy_roles
              and assume["Condition"]["StringEqualsIfExists"]["aws:ResourceOrgID"] == "${aws:PrincipalOrgID}",
              f"{name}: the pipeline role may assume only {', '.join(deploy_roles)}, in its own organization")
    finally:
        moto.stop()


class CfnLoader(yaml.SafeLoader):
    pass


CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


class RefLoader(yaml.SafeLoader):
    """Reads a template keeping `!Ref X` as {"Ref": "X"} and `!GetAtt A.B`
    as {"Fn::GetAtt": "A.B"}."""


RefLoader.add_multi_constructor("!", lambda loader, suffix, node: {
    ("Ref" if suffix == "Ref" else "Fn::" + suffix): (
        loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
        else loader.construct_sequence(node, deep=True) if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node, deep=True))
})


def filled(repo, parameters_file, known):
    """A parameters file with deploy.sh's ${PLACEHOLDER}s filled from `known`."""
    def one(match):
        if match.group(1) not in known:
            raise KeyError(f"{parameters_file}: no value for {match.group(1)}")
        return known[match.group(1)]
    return [
        {"ParameterKey": p["ParameterKey"],
         "ParameterValue": re.sub(r"\$\{([A-Z0-9_]+)(?::-)?\}", one, p["ParameterValue"])}
        for p in json.load(open(os.path.join(repo, parameters_file)))
    ]


def run_organization_at_scale(lzgen, work, name, args):
    print(f"\n== {name} (organization and artifact stacks): lzgen new {' '.join(args)}", flush=True)
    repo = os.path.join(work, name)
    subprocess.run([lzgen, "--quiet", "new", repo, *args], check=True)
    answers = yaml.safe_load(open(os.path.join(repo, "lzgen.yaml")))
    org_name, home = answers["organization"]["name"], answers["organization"]["home_region"]
    deploy_text = open(os.path.join(repo, "scripts", "deploy.sh")).read()
    moto = Moto()
    try:
        mgmt = session(moto, home)
        orgs = mgmt.client("organizations", endpoint_url=moto.url)
        org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        root = orgs.list_roots()["Roots"][0]["Id"]
        # Every template goes by URL (those over the inline limit must), from a
        # bucket as deploy.sh's template bucket would hold them.
        s3 = mgmt.client("s3", endpoint_url=moto.url)
        s3.create_bucket(Bucket="lzgen-moto-templates")

        def create(client, stack, template, parameters):
            s3.put_object(Bucket="lzgen-moto-templates", Key=template,
                          Body=open(os.path.join(repo, template), "rb").read())
            client.create_stack(
                StackName=stack, Parameters=parameters,
                TemplateURL=f"https://lzgen-moto-templates.s3.{home}.amazonaws.com/{template}",
                Capabilities=["CAPABILITY_NAMED_IAM"],
            )
            found = client.describe_stacks(StackName=stack)["Stacks"][0]
            return found

        cfn = mgmt.client("cloudformation", endpoint_url=moto.url)
        templates = sorted(
            t for t in os.listdir(os.path.join(repo, "cloudformation", "organization"))
            if t.endswith(".yaml")
        )
        splits = len([t for t in templates if t.startswith("accounts-")])
        # Up to 400 accounts to create, one organization stack holds them;
        # beyond, the accounts go to stacks of 400 at most.
        created = [a for a in answers["accounts"] if "id" not in a]
        check(splits == (0 if len(created) <= 400 else -(-len(created) // 400)),
              f"{name}: {len(created)} accounts to create, {splits} accounts stacks besides the organization's")
        # The organization's stacks, in the order deploy.sh deploys them, each
        # given the outputs deploy.sh reads from the stacks before it.
        known = {"ORGANIZATION_ROOT_ID": root}
        resources, physical, passed = {}, {}, {}
        steps = re.findall(
            r"^  (?:deploy_stack \"\$MANAGEMENT_ACCOUNT_ID\" '[^']+' '([^']+)' '(cloudformation/organization/[^']+)' '([^']+)'"
            r"|([A-Z0-9_]+)=\"\$\(output_of \"\$MANAGEMENT_ACCOUNT_ID\" '[^']+' '([^']+)' '([^']+)'\)\")",
            deploy_text, re.M)
        deployed = []
        for stack_name, template, parameters, variable, from_stack, output in steps:
            if variable:
                outputs = cfn.describe_stacks(StackName=from_stack)["Stacks"][0].get("Outputs", [])
                known[variable] = next(o["OutputValue"] for o in outputs if o["OutputKey"] == output)
                continue
            given = filled(repo, parameters, known)
            stack = create(cfn, stack_name, template, given)
            deployed.append(stack_name)
            check(stack["StackStatus"] == "CREATE_COMPLETE",
                  f"{name}: {stack_name} is {stack['StackStatus']} {stack.get('StackStatusReason') or ''}")
            body = yaml.load(open(os.path.join(repo, template)), Loader=RefLoader)
            for logical, resource in body["Resources"].items():
                resources[logical] = resource
                passed[logical] = {p["ParameterKey"]: p["ParameterValue"] for p in given}
            for r in cfn.describe_stack_resources(StackName=stack_name)["StackResources"]:
                physical[r["LogicalResourceId"]] = r["PhysicalResourceId"]
        check(len(deployed) == len(templates),
              f"{name}: deploy.sh's organization steps deploy every template: {deployed}")
        stack = cfn.describe_stacks(StackName=f"{org_name}-organization")["Stacks"][0]

        def ref(value, logical):
            """What `value` in `logical`'s properties resolves to: a
            parameter of its stack, or another resource's ID."""
            if isinstance(value, dict) and "Ref" in value:
                given = passed.get(logical, {})
                return given[value["Ref"]] if value["Ref"] in given else physical[value["Ref"]]
            if isinstance(value, dict) and "Fn::GetAtt" in value:
                return physical[value["Fn::GetAtt"].split(".")[0]]
            return value

        # The OU tree, as the template declares it.
        ous = {k: r for k, r in resources.items() if r["Type"] == "AWS::Organizations::OrganizationalUnit"}
        misplaced = [
            k for k, r in ous.items()
            if orgs.list_parents(ChildId=physical[k])["Parents"][0]["Id"] != ref(r["Properties"]["ParentId"], k)
        ]
        check(ous and not misplaced, f"{name}: {len(ous)} OUs, each under its parent; misplaced: {misplaced or 'none'}")
        # Every account, created and moved into its OU.
        accounts = {k: r for k, r in resources.items() if r["Type"] == "AWS::Organizations::Account"}
        check(len(accounts) == len(created),
              f"{name}: the organization stack creates {len(accounts)} accounts, the answers' {len(created)} new ones")
        members = {
            a["Name"]: a["Id"]
            for page in orgs.get_paginator("list_accounts").paginate() for a in page["Accounts"]
        }
        wrong = []
        for k, r in accounts.items():
            props = r["Properties"]
            account_id = members.get(props["AccountName"])
            parent = account_id and orgs.list_parents(ChildId=account_id)["Parents"][0]["Id"]
            if account_id != physical[k] or parent != ref(props["ParentIds"][0], k):
                wrong.append(props["AccountName"])
        check(not wrong, f"{name}: all {len(accounts)} accounts are members, each in its OU; wrong: {wrong[:5] or 'none'}")
        # ... and that OU is the one lzgen.yaml names, by its path from the root.
        path_of = {root: ""}

        def ou_path(ou_id):
            if ou_id not in path_of:
                parent = orgs.list_parents(ChildId=ou_id)["Parents"][0]["Id"]
                own = orgs.describe_organizational_unit(OrganizationalUnitId=ou_id)["OrganizationalUnit"]["Name"]
                path_of[ou_id] = (ou_path(parent) + "/" if ou_path(parent) else "") + own
            return path_of[ou_id]

        elsewhere = [
            a["name"] for a in created
            if ou_path(orgs.list_parents(ChildId=members[f"{org_name}-{a['name']}"])["Parents"][0]["Id"]) != a["ou"]
        ]
        check(not elsewhere, f"{name}: every account is in the OU lzgen.yaml gives it; elsewhere: {elsewhere[:5] or 'none'}")
        # Every guardrail on the targets the template names.
        policies = {k: r for k, r in resources.items() if r["Type"] == "AWS::Organizations::Policy"}
        unattached = []
        for k, r in policies.items():
            targets = {t["TargetId"] for t in orgs.list_targets_for_policy(PolicyId=physical[k])["Targets"]}
            unattached += [f"{k} {t}" for t in (ref(v, k) for v in r["Properties"].get("TargetIds", []))
                           if t not in targets]
        check(policies and not unattached,
              f"{name}: {len(policies)} SCPs, each attached to its targets; missing: {unattached[:5] or 'none'}")
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        check(all(outputs.get(f"{k}Id") == physical[k] for k in ous),
              f"{name}: the stack outputs every OU's ID")

        # The artifact stacks, in the artifact account, with the IDs deploy.sh
        # would look up by each account's name.
        known = {}
        for env_name, aws_name in re.findall(r"^(ACCOUNT_ID_[A-Z0-9_]+)=\"\$\(account_id '([^']+)'", deploy_text, re.M):
            if aws_name in members:
                known[env_name] = members[aws_name]
        known["ORGANIZATION_ID"] = org_id
        holder = next(a["name"] for a in answers["accounts"] if "artifact" in a["roles"])
        artifact = members[f"{org_name}-{holder}"]
        workload_ids = {members[f"{org_name}-{a['name']}"] for a in answers["accounts"] if "workload" in a["roles"]}
        folder = os.path.join(repo, "cloudformation", "artifact")
        for template in sorted(t for t in os.listdir(folder) if t.endswith(".yaml")):
            region = template[len("artifact-"):-len(".yaml")]
            client = session(moto, region, artifact).client("cloudformation", endpoint_url=moto.url)
            stack_name = f"{org_name}-artifact-{region}"
            made = create(client, stack_name, f"cloudformation/artifact/{template}",
                          filled(repo, f"cloudformation/artifact/{template[:-5]}.parameters.json", known))
            check(made["StackStatus"] == "CREATE_COMPLETE",
                  f"{name}: {stack_name} is {made['StackStatus']} in the artifact account")
            # The key and bucket policies grant the organization, not a list
            # of its accounts: no workload account's ID is in them.
            text = open(os.path.join(folder, template)).read()
            named = sorted(i for i in workload_ids if i in text)
            check(not named and "aws:PrincipalOrgID" in text,
                  f"{name}: {template} grants by aws:PrincipalOrgID and names no workload account ({len(workload_ids)} of them)")
            kms = session(moto, region, artifact).client("kms", endpoint_url=moto.url)
            key = next(r["PhysicalResourceId"] for r in client.describe_stack_resources(StackName=stack_name)["StackResources"]
                       if r["ResourceType"] == "AWS::KMS::Key")
            policy = kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]
            policy = policy if isinstance(policy, str) else json.dumps(policy)
            check(len(policy.encode()) < 32768 and not any(i in policy for i in workload_ids),
                  f"{name}: the artifact key's policy, {len(policy.encode())} bytes, names no workload account")
    finally:
        moto.stop()


def main():
    lzgen, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    sets, current, scale = [], [], False
    for arg in sys.argv[3:]:
        if arg in ("--", "--scale"):
            if current:
                sets.append((scale, current))
            current, scale = [], arg == "--scale"
        else:
            current.append(arg)
    if current:
        sets.append((scale, current))
    for i, (at_scale, args) in enumerate(sets):
        name = "-".join(a.replace("/", "_").replace(".yaml", "") for a in args if not a.startswith("-"))
        if at_scale:
            run_organization_at_scale(lzgen, work, name, args)
        else:
            # The recovery from a failed creation is shown once, on the first set.
            run_answer_set(lzgen, work, name, args, recovery=(i == 0))
    print(f"\nmoto-deploy: {RESULTS['passed']} passed, {RESULTS['failed']} failed")
    sys.exit(1 if RESULTS["failed"] else 0)


if __name__ == "__main__":
    main()
