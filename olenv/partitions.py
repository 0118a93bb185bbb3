"""AWS partitions: the region a role's partition stands for when none is given, and the
partition a region belongs to.

botocore resolves an arn:aws-cn: role's STS (sts.cn-north-1.amazonaws.com.cn) only when
given a region of aws-cn, so the role's partition, not us-east-1, decides the default:
aws → us-east-1, aws-cn → cn-north-1, aws-us-gov → us-gov-west-1, and any other
partition botocore knows (aws-iso, aws-iso-b, ...) its first region in botocore's
partition data. That data is read only when a sign-in needs it, from the file beside
botocore, without importing botocore.
"""

import importlib.util
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

from olenv.errors import UsageError

DEFAULTS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


@lru_cache(maxsize=1)
def known() -> dict[str, dict]:
    """Partition id → {"regions": [...], "regex": compiled}, as botocore ships them."""
    spec = importlib.util.find_spec("botocore")
    data = Path(spec.origin).parent / "data"
    try:  # botocore ≥ 1.28: the endpoint rules' partition file
        found = {p["id"]: (list(p["regions"]), p["regionRegex"])
                 for p in json.loads((data / "partitions.json").read_text())["partitions"]}
    except FileNotFoundError:  # older: the endpoints file names them too
        found = {p["partition"]: (list(p["regions"]), p["regionRegex"])
                 for p in json.loads((data / "endpoints.json").read_text())["partitions"]}
    return {name: {"regions": [r for r in regions if not r.endswith("-global")],
                   "regex": re.compile(regex)}
            for name, (regions, regex) in found.items()}


def of_region(region: str) -> str | None:
    """The partition a region belongs to (botocore's region lists, then its patterns)."""
    table = known()
    return (next((name for name, p in table.items() if region in p["regions"]), None)
            or next((name for name, p in table.items() if p["regex"].match(region)), None))


def default_region(partition: str) -> str:
    if partition in DEFAULTS:
        return DEFAULTS[partition]
    regions = known().get(partition, {}).get("regions")
    if not regions:
        raise UsageError(f"AWS partition {partition!r} is not one botocore knows, so olenv "
                         "cannot tell its region: pass --aws-region")
    return regions[0]


def region_for(role, region: str | None, source: str | None = None) -> str:
    """The region for `role`: the one given if it is of the role's partition, else its
    partition's default. A region of another partition is refused before STS is called,
    except one inherited from the environment (AWS_DEFAULT_REGION, often olenv's own export
    for another role), which gives way to the default with a warning."""
    partition = role.partition
    if not region:
        return default_region(partition)
    found = of_region(region)
    if found == partition:
        return region
    default = default_region(partition)
    where = f"{found}" if found else "no partition botocore knows"
    if source == "environment":
        sys.stderr.write(f"olenv: warning: AWS_DEFAULT_REGION/AWS_REGION {region} is in {where}, "
                         f"not in {partition} like role {role.arn}: using {default}\n")
        return default
    raise UsageError(f"region {region} ({source or 'given'}) is in {where}, but role {role.arn} "
                     f"is in {partition}: choose a region of {partition} (e.g. {default}) "
                     "with --aws-region")
