# moto's server on 127.0.0.1 and a free port (printed as "port N" once it listens), with one
# addition: EC2 instances, network interfaces, security groups and KMS keys can be created with the ids the evidence
# names, and IAM access keys with the id and creation time it names.
#
# The generated scripts address resources as the evidence names them (i-0a1b…, sg-0c00…, "key 1,
# created 2024-04-02T09:00:00Z"), and moto draws random ids and stamps keys with the current time,
# with no way to ask otherwise. Before a create call, the harness writes what it wants into
# $LASTMILE_MOTO_IDS (a JSON object: kind -> list of values); moto takes the next one from there,
# and behaves as usual when the list is empty.
import datetime
import json
import os
import sys
import threading

from moto.ec2 import utils as ec2_utils
from moto.ec2.models import instances as ec2_instances
from moto.ec2.models import security_groups as ec2_security_groups
from moto.iam import models as iam_models
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

ID_FILE = os.environ.get("LASTMILE_MOTO_IDS")
_lock = threading.Lock()


def _take(kind):
    with _lock:
        if ID_FILE and os.path.exists(ID_FILE):
            with open(ID_FILE) as f:
                wanted = json.load(f)
            values = wanted.get(kind) or []
            if values:
                wanted[kind] = values[1:]
                with open(ID_FILE, "w") as f:
                    json.dump(wanted, f)
                return values[0]
    return None


def _wanted(kind, fallback):
    return lambda: _take(kind) or fallback()


_access_key_init = iam_models.AccessKey.__init__


def _access_key_with_date(self, *args, **kwargs):
    _access_key_init(self, *args, **kwargs)
    key_id = _take("access-key-id")
    if key_id:
        self.access_key_id = key_id
    created = _take("access-key-created")
    if created:
        self.create_date = datetime.datetime.fromisoformat(created.replace("Z", "+00:00")).astimezone(datetime.timezone.utc).replace(tzinfo=None)


iam_models.AccessKey.__init__ = _access_key_with_date


ec2_instances.random_instance_id = _wanted("instance", ec2_utils.random_instance_id)
ec2_security_groups.random_security_group_id = _wanted("security-group", ec2_utils.random_security_group_id)

# KMS keys: the key id the evidence names (the scripts address the key by its ARN)
from moto.kms import models as kms_models
_generate_key_id = kms_models.generate_key_id
kms_models.generate_key_id = lambda multi_region=False: _take("kms-key") or _generate_key_id(multi_region)

# An instance's security groups ARE its primary interface's (EC2 User Guide, "Security groups for
# your EC2 instances": changing either changes both). moto keeps two lists and reports their union
# on the interface, so ModifyNetworkInterfaceAttribute --groups on a primary interface could never
# take a group away there; it sets the instance's list too, as EC2 does.
from moto.ec2.models import elastic_network_interfaces as ec2_enis

_modify_eni = ec2_enis.NetworkInterfaceBackend.modify_network_interface_attribute


def _modify_eni_as_ec2(self, eni_id, group_ids, *args, **kwargs):
    _modify_eni(self, eni_id, group_ids, *args, **kwargs)
    eni = self.get_network_interface(eni_id)
    if group_ids and eni.instance is not None and eni.device_index == 0:
        eni.instance.security_groups = list(eni._group_set)


ec2_enis.NetworkInterfaceBackend.modify_network_interface_attribute = _modify_eni_as_ec2

# Network interfaces with the ids the evidence names (the scripts address them by id).
ec2_enis.random_eni_id = _wanted("network-interface", ec2_utils.random_eni_id)

# Subnets too.
from moto.ec2.models import subnets as ec2_subnets

ec2_subnets.random_subnet_id = _wanted("subnet", ec2_utils.random_subnet_id)

# ModifyNetworkInterfaceAttribute AssociatePublicIpAddress, which moto ignores, as EC2 does it (EC2
# API Reference): false releases the address EC2 assigned to the interface (an Elastic IP stays
# associated), true assigns a new one when the interface has none.
from moto.ec2.responses import elastic_network_interfaces as ec2_eni_responses

_modify_eni_response = ec2_eni_responses.ElasticNetworkInterfaces.modify_network_interface_attribute


def _modify_eni_public_ip(self):
    wanted = self._get_param("AssociatePublicIpAddress")
    result = _modify_eni_response(self)
    if wanted is not None:
        eni = self.ec2_backend.get_network_interface(self._get_param("NetworkInterfaceId"))
        elastic = bool(eni.public_ip) and bool(self.ec2_backend.address_by_ip([eni.public_ip], fail_if_not_found=False))
        on = str(wanted).lower() == "true"
        eni.public_ip_auto_assign = on
        if on and not eni.public_ip:
            eni.public_ip = ec2_utils.random_public_ip()
        if not on and eni.public_ip and not elastic:
            eni.public_ip = None
    return result


ec2_eni_responses.ElasticNetworkInterfaces.modify_network_interface_attribute = _modify_eni_public_ip


def _exit_with_parent():
    # stdin is a pipe from the harness: closed when the harness is gone, and moto with it
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


threading.Thread(target=_exit_with_parent, daemon=True).start()

# CloudFront distributions: the distribution id the evidence names (the scripts address it by --id)
from moto.cloudfront import models as cloudfront_models
_distribution_init = cloudfront_models.Distribution.__init__


def _distribution_with_id(self, account_id, region_name, config):
    _distribution_init(self, account_id, region_name, config)
    wanted = _take("cloudfront-distribution")
    if wanted:
        self.distribution_id = self.id = wanted
        self.arn = f"arn:aws:cloudfront::{account_id}:distribution/{wanted}"


cloudfront_models.Distribution.__init__ = _distribution_with_id


server = make_server("127.0.0.1", 0, DomainDispatcherApplication(create_backend_app), threaded=True)
print(f"port {server.server_port}", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    sys.exit(0)

