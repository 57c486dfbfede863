"""boto3 against a running Dynoxide: DynamoDB Streams (the "dynamodbstreams" client, whose
parameter validation checks ShardId and ARN lengths), TTL and tags.

Usage: python3 boto3_streams.py http://127.0.0.1:PORT
"""
import sys
import time

import boto3
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
kw = dict(
    endpoint_url=endpoint,
    region_name="ap-southeast-2",
    aws_access_key_id="AKIDLOCAL",
    aws_secret_access_key="secret",
)
ddb = boto3.client("dynamodb", **kw)
streams = boto3.client("dynamodbstreams", **kw)
results = {"passed": 0, "failed": 0}


def check(name, cond):
    if cond:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print(f"FAILED: {name}")


def error_of(fn, **args):
    try:
        fn(**args)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return None, None


# A short table name: every identifier must still satisfy boto3's length checks.
out = ddb.create_table(
    TableName="abc",
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
    StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    Tags=[{"Key": "owner", "Value": "boto"}],
)
arn = out["TableDescription"]["LatestStreamArn"]
check("stream arn region", arn.startswith("arn:aws:dynamodb:ap-southeast-2:000000000000:table/abc/stream/"))

for i in range(3):
    ddb.put_item(TableName="abc", Item={"pk": {"S": f"k{i}"}, "n": {"N": str(i)}})
ddb.put_item(TableName="abc", Item={"pk": {"S": "k0"}, "n": {"N": "0"}})  # no change: no record

listed = streams.list_streams(TableName="abc")["Streams"]
check("list_streams", [s["StreamArn"] for s in listed] == [arn])
desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
check("describe status", desc["StreamStatus"] == "ENABLED")
check("describe view", desc["StreamViewType"] == "NEW_IMAGE")
check("describe key schema", desc["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}])
shard = desc["Shards"][0]
check("shard id shape", shard["ShardId"].startswith("shardId-") and len(shard["ShardId"]) >= 28)
check("open shard has no end", "EndingSequenceNumber" not in shard["SequenceNumberRange"])

it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
recs = streams.get_records(ShardIterator=it["ShardIterator"])
names = [r["eventName"] for r in recs["Records"]]
check("three inserts", names == ["INSERT", "INSERT", "INSERT"])
first = recs["Records"][0]
check("new image", first["dynamodb"]["NewImage"] == {"pk": {"S": "k0"}, "n": {"N": "0"}})
check("no old image", "OldImage" not in first["dynamodb"])
check("size bytes", first["dynamodb"]["SizeBytes"] == 4 + 6)  # keys, then the image (zero is 1 byte)
check("event version", first["eventVersion"] == "1.1" and first["eventSource"] == "aws:dynamodb")
check("region", first["awsRegion"] == "ap-southeast-2")
seq = recs["Records"][1]["dynamodb"]["SequenceNumber"]
after = streams.get_shard_iterator(
    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=seq
)
recs = streams.get_records(ShardIterator=after["ShardIterator"], Limit=10)
check("after sequence number", [r["dynamodb"]["Keys"]["pk"]["S"] for r in recs["Records"]] == ["k2"])
check("next iterator on an open shard", "NextShardIterator" in recs)

code, msg = error_of(
    streams.get_shard_iterator,
    StreamArn=arn,
    ShardId="shardId-00000000000000000000-00000000",
    ShardIteratorType="LATEST",
)
check("unknown shard", (code, msg) == ("ResourceNotFoundException", "Requested resource not found: Shard does not exist"))
code, msg = error_of(streams.get_records, ShardIterator="x" * 40)
check("bad iterator", (code, msg) == ("ValidationException", "Invalid ShardIterator"))

# Disable: the stream stays readable, DISABLED, with its shard closed.
ddb.update_table(TableName="abc", StreamSpecification={"StreamEnabled": False})
desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
check("disabled", desc["StreamStatus"] == "DISABLED")
check("closed shard has an end", "EndingSequenceNumber" in desc["Shards"][0]["SequenceNumberRange"])
code, msg = error_of(ddb.update_table, TableName="abc", StreamSpecification={"StreamEnabled": False})
check("disable twice", msg == "Table has no stream to disable: TableName: abc")

# TTL through the server's sweeper (started with a short --ttl-interval).
ddb.update_time_to_live(TableName="abc", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
ttl = ddb.describe_time_to_live(TableName="abc")["TimeToLiveDescription"]
check("ttl enabled", ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"})
code, msg = error_of(
    ddb.update_time_to_live, TableName="abc", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
)
check("ttl twice", (code, msg) == ("ValidationException", "TimeToLive is already enabled"))
ddb.put_item(TableName="abc", Item={"pk": {"S": "gone"}, "ttl": {"N": str(int(time.time()) - 5)}})
deadline = time.time() + 20
while "Item" in ddb.get_item(TableName="abc", Key={"pk": {"S": "gone"}}) and time.time() < deadline:
    time.sleep(0.05)
check("expired item deleted", "Item" not in ddb.get_item(TableName="abc", Key={"pk": {"S": "gone"}}))

# Tags.
table_arn = "arn:aws:dynamodb:ap-southeast-2:000000000000:table/abc"
ddb.tag_resource(ResourceArn=table_arn, Tags=[{"Key": "env", "Value": "ci"}])
tags = ddb.list_tags_of_resource(ResourceArn=table_arn)["Tags"]
check("tags", tags == [{"Key": "owner", "Value": "boto"}, {"Key": "env", "Value": "ci"}])
ddb.untag_resource(ResourceArn=table_arn, TagKeys=["owner", "env"])
check("untagged", ddb.list_tags_of_resource(ResourceArn=table_arn)["Tags"] == [])
code, msg = error_of(ddb.list_tags_of_resource, ResourceArn=table_arn.replace("/abc", "/nope"))
check("tags of a missing table", code == "ResourceNotFoundException")

print(f"boto3 streams: {results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
