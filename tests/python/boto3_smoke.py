"""boto3 against a running Dynoxide: the table and item operations, and DynamoDB's errors.

Usage: python3 boto3_smoke.py http://127.0.0.1:PORT
"""
import sys

import boto3
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
client = boto3.client(
    "dynamodb",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDLOCAL",
    aws_secret_access_key="secret",
)
results = {"passed": 0, "failed": 0}


def check(name, cond):
    if cond:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print(f"FAILED: {name}")


def error_of(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return None, None


client.create_table(
    TableName="boto",
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
    BillingMode="PAY_PER_REQUEST",
)
check("list_tables", client.list_tables()["TableNames"] == ["boto"])
waiter = client.get_waiter("table_exists")
waiter.wait(TableName="boto", WaiterConfig={"Delay": 0.1, "MaxAttempts": 5})
check("describe", client.describe_table(TableName="boto")["Table"]["TableStatus"] == "ACTIVE")

client.put_item(
    TableName="boto",
    Item={"pk": {"S": "a"}, "sk": {"N": "1.50"}, "b": {"B": b"\x00\xff"}, "ss": {"SS": ["x", "y"]}},
)
got = client.get_item(TableName="boto", Key={"pk": {"S": "a"}, "sk": {"N": "1.5"}}, ReturnConsumedCapacity="TOTAL")
check("get item", got["Item"]["sk"] == {"N": "1.5"} and got["Item"]["b"] == {"B": b"\x00\xff"})
check("consumed", got["ConsumedCapacity"] == {"TableName": "boto", "CapacityUnits": 0.5})
old = client.delete_item(TableName="boto", Key={"pk": {"S": "a"}, "sk": {"N": "1.5"}}, ReturnValues="ALL_OLD")
check("delete all_old", old["Attributes"]["pk"] == {"S": "a"})
check("gone", "Item" not in client.get_item(TableName="boto", Key={"pk": {"S": "a"}, "sk": {"N": "1.5"}}))

code, msg = error_of(client.put_item, TableName="boto", Item={"pk": {"N": "1"}, "sk": {"N": "1"}})
check("type mismatch", (code, msg) == (
    "ValidationException",
    "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
))
code, msg = error_of(client.describe_table, TableName="missing")
check("not found", (code, msg) == ("ResourceNotFoundException", "Requested resource not found: Table: missing not found"))
code, msg = error_of(client.put_item, TableName="boto", Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "s": {"SS": ["q", "q"]}})
check("duplicate set", msg == "One or more parameter values were invalid: Input collection [q, q] contains duplicates.")

# The resource API's batch writer, Key conditions and filters, as applications use them.
from boto3.dynamodb.conditions import Attr, Key

table = boto3.resource(
    "dynamodb",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDLOCAL",
    aws_secret_access_key="secret",
).Table("boto")
with table.batch_writer() as batch:
    for i in range(60):
        batch.put_item(Item={"pk": "batch", "sk": i, "even": i % 2 == 0})
page = table.query(KeyConditionExpression=Key("pk").eq("batch") & Key("sk").between(10, 19),
                   FilterExpression=Attr("even").eq(True))
check("batch_writer + query", [int(i["sk"]) for i in page["Items"]] == [10, 12, 14, 16, 18])
got = client.batch_get_item(RequestItems={"boto": {"Keys": [{"pk": {"S": "batch"}, "sk": {"N": "1"}}],
                                                   "ProjectionExpression": "sk"}})
check("batch_get_item", got["Responses"]["boto"] == [{"sk": {"N": "1"}}])

client.transact_write_items(TransactItems=[
    {"Put": {"TableName": "boto", "Item": {"pk": {"S": "t"}, "sk": {"N": "1"}, "n": {"N": "10"}}}},
    {"Update": {"TableName": "boto", "Key": {"pk": {"S": "t"}, "sk": {"N": "2"}},
                "UpdateExpression": "SET n = :n", "ExpressionAttributeValues": {":n": {"N": "0"}}}},
])
try:
    client.transact_write_items(TransactItems=[
        {"ConditionCheck": {"TableName": "boto", "Key": {"pk": {"S": "t"}, "sk": {"N": "1"}},
                            "ConditionExpression": "n > :big", "ExpressionAttributeValues": {":big": {"N": "99"}}}},
        {"Delete": {"TableName": "boto", "Key": {"pk": {"S": "t"}, "sk": {"N": "2"}}}},
    ])
    check("transaction cancelled", False)
except ClientError as e:
    reasons = [r["Code"] for r in e.response.get("CancellationReasons", [])]
    check("transaction cancelled", e.response["Error"]["Code"] == "TransactionCanceledException"
          and reasons == ["ConditionalCheckFailed", "None"])
got = client.transact_get_items(TransactItems=[
    {"Get": {"TableName": "boto", "Key": {"pk": {"S": "t"}, "sk": {"N": "2"}}}}])
check("transact_get_items", got["Responses"][0]["Item"]["n"] == {"N": "0"})

out = client.execute_statement(Statement='SELECT sk FROM "boto" WHERE pk = ? AND sk < 3',
                               Parameters=[{"S": "batch"}])
check("partiql select", [i["sk"]["N"] for i in out["Items"]] == ["0", "1", "2"])
code, msg = error_of(client.execute_statement, Statement="INSERT INTO boto VALUE {'pk': 't', 'sk': 1}")
check("partiql duplicate", (code, msg) == ("DuplicateItemException", "Duplicate primary key exists in table"))

# Legacy parameters, as older code still sends them.
client.put_item(TableName="boto", Item={"pk": {"S": "legacy"}, "sk": {"N": "1"}},
                Expected={"pk": {"Exists": False}})
code, _ = error_of(client.put_item, TableName="boto", Item={"pk": {"S": "legacy"}, "sk": {"N": "1"}},
                   Expected={"pk": {"Exists": False}})
check("legacy expected", code == "ConditionalCheckFailedException")
out = client.query(TableName="boto", KeyConditions={"pk": {"ComparisonOperator": "EQ",
                                                          "AttributeValueList": [{"S": "batch"}]}},
                   QueryFilter={"even": {"ComparisonOperator": "EQ", "AttributeValueList": [{"BOOL": False}]}},
                   Limit=4)
check("legacy query", [i["sk"]["N"] for i in out["Items"]] == ["1", "3"] and out["ScannedCount"] == 4)

client.delete_table(TableName="boto")
check("deleted", client.list_tables()["TableNames"] == [])

print(f"boto3: {results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
