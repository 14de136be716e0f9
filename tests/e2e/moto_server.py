"""moto_server, with two gaps closed that the workload targets' StackSet
reaches; everything else is moto's own.

1. moto 5.2.5 creates a StackSet's instances with only the parameter
   overrides of the call (StackSet.create_stack_instances: `if not
   parameters: parameters = self.parameters`), where AWS gives an instance
   the StackSet's parameters with the overrides laid over them (API
   Reference, CreateStackInstances, ParameterOverrides). Each account gets
   its own Networks this way; its other parameters come from the StackSet.
2. moto's Fn::Select takes its index as a literal (parsing.clean_json:
   `int(resource_json["Fn::Select"][0])`), where AWS also resolves Ref and
   Fn::FindInMap there (Template Reference, Fn::Select, supported
   functions). The targets find each region's blocks in Networks through
   the Network mapping.
3. moto makes every account's ID at random; an adopted account (one the
   answers give an ID) is one the organization already holds. The IDs in
   LZGEN_MOTO_ACCOUNT_IDS (comma-separated) go, in order, to the next
   accounts CreateAccount makes, so such an account can be a member, in its OU, as the
   StackSets need it to be.

Usage: moto_server.py [moto_server arguments]
"""

import os
import sys

from moto.cloudformation import models, parsing
from moto.organizations import models as org_models
from moto.organizations import utils as org_utils
from moto.server import main

_create_instances = models.StackSet.create_stack_instances


def _as_dict(parameters):
    if isinstance(parameters, dict):
        return dict(parameters)
    return {p["ParameterKey"]: p["ParameterValue"] for p in parameters or []}


def create_stack_instances(self, accounts, regions, deployment_targets, parameters):
    if parameters:
        merged = _as_dict(self.parameters)
        merged.update(_as_dict(parameters))
        parameters = [{"ParameterKey": k, "ParameterValue": v} for k, v in merged.items()]
    return _create_instances(self, accounts, regions, deployment_targets, parameters)


models.StackSet.create_stack_instances = create_stack_instances

_clean_json = parsing.clean_json


def clean_json(resource_json, resources_map):
    if isinstance(resource_json, dict) and isinstance(resource_json.get("Fn::Select"), list):
        index, items = resource_json["Fn::Select"]
        if isinstance(index, dict):
            resource_json = {"Fn::Select": [_clean_json(index, resources_map), items]}
    return _clean_json(resource_json, resources_map)


# clean_json calls itself through the module's name, so nested ones resolve too.
parsing.clean_json = clean_json

_given_ids = [i for i in os.environ.get("LZGEN_MOTO_ACCOUNT_IDS", "").split(",") if i]
_create_account = org_models.OrganizationsBackend.create_account


def create_account(self, **kwargs):
    if not _given_ids:
        return _create_account(self, **kwargs)
    given = _given_ids.pop(0)
    random_id = org_utils.make_random_account_id
    org_utils.make_random_account_id = lambda: given
    try:
        return _create_account(self, **kwargs)
    finally:
        org_utils.make_random_account_id = random_id


org_models.OrganizationsBackend.create_account = create_account

if __name__ == "__main__":
    sys.exit(main())
