-- wrk script for bench/distinct.sh: durable intake. Every request POSTs a valid application for
-- government information to /api/v1/requests, each with its own name and contact. The server
-- answers 201 only after the request, its receipt and its audit record are committed, so the
-- 201s counted here are acknowledged, durable submissions.
--
--   wrk -t2 -c16 -d15s --latency -s bench/intake.lua http://127.0.0.1:18191 -- AGENCY_SLUG [ACK_FILE]
--
-- With ACK_FILE, every acknowledged tracking code is appended to ACK_FILE.N (N the thread),
-- written out as it arrives: after the server is killed (kill -9) mid-run, each of them must be
-- in the database (bench/distinct.sh checks).
-- Prints "acknowledged: N in S s = R/s; other answers: M" at the end.

local next_id = 1
local threads = {}

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local slug
local acks
local counter = 0
-- Globals, so that done() can read them from each thread.
acked = 0
others = 0

function init(args)
  slug = args[1] or "yiyuan-xili"
  if args[2] then
    acks = assert(io.open(args[2] .. "." .. (id or 0), "a"))
    acks:setvbuf("line")
  end
end

function request()
  counter = counter + 1
  local n = (id or 0) * 100000000 + counter
  local body = string.format(
    '{"agency":"%s","kind":"natural_person","name":"压测申请人%d",'
      .. '"id_document":"11010519491231002X","contact":"bench%d@example.com",'
      .. '"address":"示例县城关镇人民路%d号","description":"请公开编号%d的文件全文及其附件",'
      .. '"delivery":"电子邮件"}',
    slug, n, n, counter % 1000 + 1, n)
  return wrk.format("POST", "/api/v1/requests", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 201 then
    acked = acked + 1
    if acks then
      local code = body:match('"tracking_code"%s*:%s*"([^"]+)"')
      if code then acks:write(code, "\n") end
    end
  else
    others = others + 1
    if others <= 3 then
      io.stderr:write("intake: answer " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do
    a = a + (t:get("acked") or 0)
    o = o + (t:get("others") or 0)
  end
  local secs = summary.duration / 1e6
  io.write(string.format("acknowledged: %d in %.2f s = %.1f/s; other answers: %d\n",
    a, secs, a / secs, o))
end
