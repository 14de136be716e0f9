"""moto_server, with the gaps closed that lzgen's stacks reach; everything
else is moto's own.

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
4. moto has no CloudFormation model for AWS::Organizations resources (its
   parser finds no class for the type and fails the stack). The three the
   organization stack uses are modelled here on moto's own Organizations
   backend, with the properties and return values their Template Reference
   pages give: OrganizationalUnit (Name, ParentId; Ref and Id give the OU's
   ID), Account (AccountName, Email, ParentIds, RoleName; Ref and AccountId
   give the account's ID; the account is created, then moved to its parent)
   and Policy (Name, Type, Content, Description, TargetIds; Ref and Id give
   the policy's ID; it is attached to each target). An update keeps the
   resource and a delete leaves it: the organization stack is created once
   in these checks.

Usage: moto_server.py [moto_server arguments]
"""

import json
import os
import sys

from moto.cloudformation import models, parsing
from moto.core.common_models import CloudFormationModel
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


def _organizations(account_id):
    return org_models.organizations_backends[account_id]["aws"]


class _OrganizationsResource:
    """What the three models share; each is a direct subclass of
    CloudFormationModel too, which is how moto's parser finds them."""

    ATTRIBUTES = ()

    @staticmethod
    def cloudformation_name_type():
        return ""

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name):
        return self.attributes[attribute_name]

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        return None

    def is_created(self):
        return True

    @classmethod
    def made(cls, physical_id, attributes):
        """The resource as the parser keeps it: Ref gives `physical_id`,
        Fn::GetAtt the `attributes`."""
        resource = cls()
        resource.physical_resource_id = physical_id
        resource.attributes = attributes
        return resource


class CloudFormationOrganizationalUnit(_OrganizationsResource, CloudFormationModel):
    # moto files each model under the service its module names.
    __module__ = "moto.organizations.cloudformation"
    ATTRIBUTES = ("Id", "Arn")

    @staticmethod
    def cloudformation_type():
        return "AWS::Organizations::OrganizationalUnit"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json["Properties"]
        ou = _organizations(account_id).create_organizational_unit(
            Name=props["Name"], ParentId=props["ParentId"], Tags=props.get("Tags", [])
        )["OrganizationalUnit"]
        return cls.made(ou["Id"], {"Id": ou["Id"], "Arn": ou["Arn"]})


class CloudFormationAccount(_OrganizationsResource, CloudFormationModel):
    # moto files each model under the service its module names.
    __module__ = "moto.organizations.cloudformation"
    ATTRIBUTES = ("AccountId", "Arn", "JoinedMethod", "JoinedTimestamp", "Status")

    @staticmethod
    def cloudformation_type():
        return "AWS::Organizations::Account"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json["Properties"]
        backend = _organizations(account_id)
        created = backend.create_account(
            AccountName=props["AccountName"], Email=props["Email"],
            RoleName=props.get("RoleName", "OrganizationAccountAccessRole"), Tags=props.get("Tags", []),
        )["CreateAccountStatus"]
        new_id = created["AccountId"]
        account = backend.get_account_by_id(new_id)
        for parent in props.get("ParentIds", []):
            backend.move_account(AccountId=new_id, SourceParentId=account.parent_id, DestinationParentId=parent)
        return cls.made(new_id, {
            "AccountId": new_id, "Arn": account.arn, "JoinedMethod": "CREATED",
            "JoinedTimestamp": str(account.create_time), "Status": "ACTIVE",
        })


class CloudFormationPolicy(_OrganizationsResource, CloudFormationModel):
    # moto files each model under the service its module names.
    __module__ = "moto.organizations.cloudformation"
    ATTRIBUTES = ("Id", "Arn", "AwsManaged")

    @staticmethod
    def cloudformation_type():
        return "AWS::Organizations::Policy"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json["Properties"]
        backend = _organizations(account_id)
        content = props["Content"]
        policy = backend.create_policy(
            Name=props["Name"], Type=props["Type"], Description=props.get("Description", ""),
            Content=content if isinstance(content, str) else json.dumps(content),
        )["Policy"]["PolicySummary"]
        for target in props.get("TargetIds", []):
            backend.attach_policy(PolicyId=policy["Id"], TargetId=target)
        return cls.made(policy["Id"], {"Id": policy["Id"], "Arn": policy["Arn"], "AwsManaged": "false"})


# The parser lists CloudFormationModel's subclasses once and caches them.
parsing.get_model_list.cache_clear()
parsing.get_model_map.cache_clear()
parsing.get_name_type_map.cache_clear()

if __name__ == "__main__":
    sys.exit(main())
