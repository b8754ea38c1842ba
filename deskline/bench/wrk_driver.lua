-- One benchmark row for wrk: `wrk -t1 -c8 -d20s -s wrk_driver.lua URL -- MODE LIMIT TOKEN ARG`.
--
-- MODE is create, list, detail, search, page, ticketpage, paths or htmlpaths; LIMIT bounds the responses (wrk's -d
-- bounds the time). ARG: create "DESK:REQUEST_TYPE_ID"; list and page a path with its query;
-- detail and ticketpage "DESK:LAST_NUMBER,..."; search "word,word,..."; paths and htmlpaths
-- "path,path,..." (already URL-encoded), requested in turn. TOKEN is an API token,
-- or "sessionid=..." for the HTML pages, which are signed in with a session cookie.
-- When LIMIT responses have arrived the thread stops and writes BENCH-STOPPED to stderr, so the
-- caller can interrupt wrk instead of waiting out -d (wrk sleeps for the whole duration). wrk's
-- own duration is then too long, so request rates are timed here with a monotonic clock.
-- done() prints one line: BENCH responses=N non2xx=N socket_errors=N seconds=S p50_us=N p95_us=N

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local CLOCK_MONOTONIC = 1

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local function split(text, separator)
  local parts = {}
  for part in string.gmatch(text, "([^" .. separator .. "]+)") do
    table.insert(parts, part)
  end
  return parts
end

-- The main state keeps the threads so that done() can read their counters.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

-- Per thread; globals so that thread:get() can read them.
responses, non2xx, first_at, last_at, sample_error = 0, 0, 0, 0, ""
local limit, make, sent = 0, nil, 0

function init(args)
  local mode, token, arg = args[1], args[3], args[4] or ""
  limit = tonumber(args[2])
  local headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
  if string.sub(token, 1, 10) == "sessionid=" then
    headers = { ["Cookie"] = token, ["Accept"] = "text/html" }
  end
  if mode == "create" then
    local desk, request_type = string.match(arg, "([^:]+):(%d+)")
    headers["Content-Type"] = "application/json"
    make = function()
      local body = string.format(
        '{"desk": "%s", "request_type": %s, "summary": "Bench ticket %d: projector flickers", '
          .. '"description": "Created by make bench.", "priority": "low"}',
        desk, request_type, sent)
      return wrk.format("POST", "/api/v1/tickets", headers, body)
    end
  elseif mode == "list" or mode == "page" then
    local request = wrk.format("GET", arg, headers)
    make = function() return request end
  elseif mode == "detail" or mode == "ticketpage" then
    local prefix = mode == "detail" and "/api/v1/tickets/" or "/agent/tickets/"
    local suffix = mode == "detail" and "" or "/"
    local desks, numbers = {}, {}
    for _, item in ipairs(split(arg, ",")) do
      local desk, last = string.match(item, "([^:]+):(%d+)")
      table.insert(desks, desk)
      table.insert(numbers, tonumber(last))
    end
    make = function()
      local i = math.random(#desks)
      local key = desks[i] .. "-" .. math.random(numbers[i])
      return wrk.format("GET", prefix .. key .. suffix, headers)
    end
  elseif mode == "paths" or mode == "htmlpaths" then
    -- "path,path,...": each request the next one (searches, keystrokes of a suggestion box).
    local paths = split(arg, ",")
    make = function()
      return wrk.format("GET", paths[sent % #paths + 1], headers)
    end
  elseif mode == "search" then
    local words = split(arg, ",")
    make = function()
      return wrk.format("GET", "/api/v1/tickets?q=" .. words[sent % #words + 1], headers)
    end
  else
    error("unknown mode " .. tostring(mode))
  end
end

function request()
  if first_at == 0 then first_at = now() end
  sent = sent + 1
  return make()
end

function response(status, headers, body)
  responses = responses + 1
  last_at = now()
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if sample_error == "" then
      sample_error = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
  if responses == limit then
    io.stderr:write("BENCH-STOPPED\n")
    io.stderr:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local count, failed, first, last = 0, 0, nil, 0
  for _, thread in ipairs(threads) do
    count = count + thread:get("responses")
    failed = failed + thread:get("non2xx")
    local started, finished = thread:get("first_at"), thread:get("last_at")
    if started > 0 and (first == nil or started < first) then first = started end
    if finished > last then last = finished end
    local sample = thread:get("sample_error")
    if sample ~= "" then
      io.write("BENCH-ERROR " .. string.gsub(sample, "\n", " ") .. "\n")
    end
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH responses=%d non2xx=%d socket_errors=%d seconds=%.6f p50_us=%d p95_us=%d\n",
    count, failed, errors.connect + errors.read + errors.write + errors.timeout,
    first and (last - first) or 0, latency:percentile(50), latency:percentile(95)))
end
