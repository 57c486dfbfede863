"""The official Python MCP SDK (the `mcp` package) against `dynoxide mcp`, over stdio and
over Streamable HTTP with a bearer token.

Usage: python3 mcp_client.py PATH/TO/dynoxide
"""
import asyncio
import subprocess
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

binary = sys.argv[1]
results = {"passed": 0, "failed": 0}


def check(name, cond):
    if cond:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print(f"FAILED: {name}")


def structured(result):
    return getattr(result, "structured_content", None) or getattr(result, "structuredContent", None)


def is_error(result):
    return bool(getattr(result, "is_error", None) or getattr(result, "isError", None))


async def exercise(session, label):
    await session.initialize()
    tools = {t.name for t in (await session.list_tools()).tools}
    check(f"{label}: tools listed", {"query", "put_item", "explain", "create_snapshot"} <= tools)
    r = await session.call_tool(
        "create_table",
        {
            "table_name": "pyt",
            "billing_mode": "PAY_PER_REQUEST",
            "attribute_definitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "key_schema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        },
    )
    check(f"{label}: create_table", not is_error(r))
    r = await session.call_tool("put_item", {"table_name": "pyt", "item": {"pk": {"S": "a"}, "n": {"N": "1"}}})
    check(f"{label}: put_item", not is_error(r))
    r = await session.call_tool("get_item", {"table_name": "pyt", "key": {"pk": {"S": "a"}}})
    check(f"{label}: get_item", structured(r)["Item"]["n"] == {"N": "1"})
    r = await session.call_tool("get_item", {"table_name": "missing", "key": {"pk": {"S": "a"}}})
    check(f"{label}: DynamoDB error as tool error", is_error(r) and structured(r)["__type"] == "ResourceNotFoundException")
    r = await session.call_tool("explain", {"operation": "GetItem", "request": {"TableName": "pyt", "Key": {"pk": {"S": "a"}}}})
    check(f"{label}: explain", "SELECT" in structured(r)["sql"])
    r = await session.call_tool("create_snapshot", {"name": "py-snap"})
    check(f"{label}: snapshot", not is_error(r))
    await session.call_tool("delete_item", {"table_name": "pyt", "key": {"pk": {"S": "a"}}})
    await session.call_tool("restore_snapshot", {"name": "py-snap"})
    r = await session.call_tool("get_item", {"table_name": "pyt", "key": {"pk": {"S": "a"}}})
    check(f"{label}: restored", "Item" in structured(r))


async def over_stdio():
    params = StdioServerParameters(command=binary, args=["mcp", "--ttl-interval", "0"])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await exercise(session, "stdio")


async def over_http():
    server = subprocess.Popen(
        [binary, "mcp", "--http", "--port", "0", "--token", "py-token", "--ttl-interval", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline()
        url = next(w for w in line.split() if w.startswith("http://"))
        client = create_mcp_http_client(headers={"Authorization": "Bearer py-token"})
        async with client:
            async with streamable_http_client(url, http_client=client) as (read, write):
                async with ClientSession(read, write) as session:
                    await exercise(session, "http")
        # Without the token the server answers 401.
        anonymous = create_mcp_http_client()
        async with anonymous:
            resp = await anonymous.post(
                url,
                json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
                headers={"Accept": "application/json, text/event-stream"},
            )
            check("http: token required", resp.status_code == 401)
    finally:
        server.terminate()
        server.wait(timeout=10)


asyncio.run(over_stdio())
asyncio.run(over_http())
print(f"mcp client: {results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
