#!/usr/bin/env bash
# The AWS CLI against a running Dynoxide. Usage: cli_smoke.sh http://127.0.0.1:PORT
set -euo pipefail
ep="$1"
export AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=secret AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { command aws --endpoint-url "$ep" --output json "$@"; }
passed=0
failed=0
check() { if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $1: got [$2] want [$3]"; fi; }

aws dynamodb create-table --table-name cli \
  --key-schema AttributeName=id,KeyType=HASH \
  --attribute-definitions AttributeName=id,AttributeType=S \
  --billing-mode PAY_PER_REQUEST >/dev/null
check "list-tables" "$(aws dynamodb list-tables --query 'TableNames[0]' --output text)" "cli"
aws dynamodb wait table-exists --table-name cli
aws dynamodb put-item --table-name cli --item '{"id": {"S": "k"}, "n": {"N": "0042"}}'
check "get-item" "$(aws dynamodb get-item --table-name cli --key '{"id": {"S": "k"}}' --query 'Item.n.N' --output text)" "42"
err=$(aws dynamodb describe-table --table-name nope 2>&1 || true)
case "$err" in
  *"ResourceNotFoundException"*"Requested resource not found: Table: nope not found"*) passed=$((passed + 1)) ;;
  *) failed=$((failed + 1)); echo "FAILED: describe missing: $err" ;;
esac
# The issue's first try: TTL, tags and streams from the CLI.
aws dynamodb update-time-to-live --table-name cli \
  --time-to-live-specification Enabled=true,AttributeName=expires >/dev/null
check "ttl" "$(aws dynamodb describe-time-to-live --table-name cli --query 'TimeToLiveDescription.TimeToLiveStatus' --output text)" "ENABLED"
arn=$(aws dynamodb describe-table --table-name cli --query 'Table.TableArn' --output text)
aws dynamodb tag-resource --resource-arn "$arn" --tags Key=env,Value=ci
check "tags" "$(aws dynamodb list-tags-of-resource --resource-arn "$arn" --query 'Tags[0].Value' --output text)" "ci"
aws dynamodb update-table --table-name cli \
  --stream-specification StreamEnabled=true,StreamViewType=KEYS_ONLY >/dev/null
aws dynamodb put-item --table-name cli --item '{"id": {"S": "s"}}'
stream=$(aws dynamodbstreams list-streams --table-name cli --query 'Streams[0].StreamArn' --output text)
shard=$(aws dynamodbstreams describe-stream --stream-arn "$stream" --query 'StreamDescription.Shards[0].ShardId' --output text)
it=$(aws dynamodbstreams get-shard-iterator --stream-arn "$stream" --shard-id "$shard" \
  --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text)
check "get-records" "$(aws dynamodbstreams get-records --shard-iterator "$it" --query 'Records[0].dynamodb.Keys.id.S' --output text)" "s"

check "describe-limits" "$(aws dynamodb describe-limits --query 'TableMaxWriteCapacityUnits' --output text)" "40000"
check "describe-endpoints" "$(aws dynamodb describe-endpoints --query 'Endpoints[0].Address' --output text)" "${ep#http://}"

aws dynamodb delete-table --table-name cli >/dev/null
check "deleted" "$(aws dynamodb list-tables --query 'length(TableNames)' --output text)" "0"

echo "aws cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
