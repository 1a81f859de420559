-- wrk script for bench/distinct.sh: every request asks for a page drawn at random, at an address
-- no request asked before (see fresh() below).
--
--   wrk -t2 -c32 -d15s --latency -s bench/distinct.lua http://127.0.0.1:18191 -- MODE DATA_DIR
--
-- MODE:
--   item    /agencies/SLUG/items/ID, ID uniform in [lo, hi] (DATA_DIR/items.txt: "slug lo hi")
--   list    /agencies/SLUG/items?category=C&page=P, C uniform among the agency's whole list and
--           its categories, P uniform in 1..pages(C), deep pages included (DATA_DIR/lists.txt:
--           "slug", then one "pages encoded-category" line per list, "-" for the whole list)
--   search  /search?q=W1+W2, two words drawn from a vocabulary taken from the corpus titles
--           (DATA_DIR/vocab.txt: one URL-encoded word a line)
--   common  the same with two words common in the bodies (DATA_DIR/common.txt), each in nearly
--           every item: two of them find most of the corpus
--   varied  searches as visitors vary them: one to three words, title words (two in three) or
--           common ones, and about half of them narrowed by the agency, a category
--           (DATA_DIR/lists.txt) or a year (2019-2025), sorted newest first (sort=date), or, for
--           common words, asked for page 2-5
--
--   site    the other pages a crawler walks, drawn at random: the home page, the agency's page
--           (its latest items, its reports year over year), its 公开指南, 主动公开目录 (the
--           columns with their counts), rules, Atom feed, /sitemap.xml, /sitemap, /contact — each
--           at an address not asked before, so none is the page cache's
--
--   report  an annual report's page or one of its files (.md .html .json .docx .xlsx .pdf), of a
--           year the agency published (DATA_DIR/reports.txt: "slug", then one year a line): a
--           published version's files are made once, then kept
--
-- Each thread seeds its own generator, so the two threads do not replay the same sequence.

local mode, dir
local lo, hi, slug
local cats, vocab, common, years = {}, {}, {}, {}
local files = { "", "/report.md", "/report.html", "/report.json", "/report.docx", "/report.xlsx", "/report.pdf" }
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local function lines(path)
  local f = assert(io.open(path, "r"), "cannot open " .. path)
  local out = {}
  for line in f:lines() do
    if line ~= "" then table.insert(out, line) end
  end
  f:close()
  return out
end

-- The agency's slug and its lists (DATA_DIR/lists.txt) into slug and cats.
local function read_lists()
  local all = lines(dir .. "/lists.txt")
  slug = all[1]
  for i = 2, #all do
    local pages, cat = all[i]:match("^(%d+)%s+(%S+)")
    table.insert(cats, { pages = tonumber(pages), cat = cat })
  end
end

function init(args)
  mode = args[1] or "item"
  dir = args[2] or "."
  math.randomseed(os.time() * 1000 + (id or 0) * 7919)
  if mode == "item" then
    local l = lines(dir .. "/items.txt")[1]
    local s, a, b = l:match("^(%S+)%s+(%d+)%s+(%d+)")
    slug, lo, hi = s, tonumber(a), tonumber(b)
  elseif mode == "list" then
    read_lists()
  elseif mode == "search" then
    vocab = lines(dir .. "/vocab.txt")
  elseif mode == "common" then
    vocab = lines(dir .. "/common.txt")
  elseif mode == "varied" then
    vocab = lines(dir .. "/vocab.txt")
    common = lines(dir .. "/common.txt")
    read_lists()
    -- A 栏目 filter names a category: the whole list ("-") is no filter.
    local named = {}
    for _, c in ipairs(cats) do
      if c.cat ~= "-" then table.insert(named, c) end
    end
    cats = named
  elseif mode == "site" then
    read_lists()
  elseif mode == "report" then
    local all = lines(dir .. "/reports.txt")
    slug = all[1]
    for i = 2, #all do table.insert(years, all[i]) end
  else
    error("unknown mode " .. mode)
  end
end

-- A parameter the pages ignore, different on every request: the page cache (which keys on the
-- whole address) then never serves a page twice, even when the same item or list page is drawn
-- again, so every answer is rendered from the database and the index.
local serial = 0
local function fresh()
  serial = serial + 1
  return "v=" .. (id or 0) .. "-" .. serial
end

function request()
  if mode == "item" then
    return wrk.format("GET", "/agencies/" .. slug .. "/items/" .. math.random(lo, hi) .. "?" .. fresh())
  elseif mode == "list" then
    local c = cats[math.random(#cats)]
    local filter = c.cat == "-" and "" or ("category=" .. c.cat .. "&")
    return wrk.format("GET", "/agencies/" .. slug .. "/items?" .. filter
      .. "page=" .. math.random(c.pages) .. "&" .. fresh())
  elseif mode == "search" or mode == "common" then
    local a, b = vocab[math.random(#vocab)], vocab[math.random(#vocab)]
    return wrk.format("GET", "/search?q=" .. a .. "+" .. b .. "&" .. fresh())
  elseif mode == "varied" then
    local words = {}
    local from = math.random(3) == 1 and common or vocab
    for _ = 1, math.random(3) do
      table.insert(words, from[math.random(#from)])
    end
    local url = "/search?q=" .. table.concat(words, "+")
    local r = math.random(10)
    if r == 1 then url = url .. "&agency=" .. slug
    elseif r == 2 and #cats > 0 then url = url .. "&category=" .. cats[math.random(#cats)].cat
    elseif r == 3 then url = url .. "&year=" .. math.random(2019, 2025)
    elseif r == 4 then url = url .. "&sort=date"
    elseif r == 5 and from == common then
      -- Common words find most items: pages 2-5 exist (a title word's may not, and a page
      -- past the end is a 404 the run would count as an error).
      url = url .. "&page=" .. math.random(2, 5)
    end
    return wrk.format("GET", url .. "&" .. fresh())
  elseif mode == "site" then
    local a = "/agencies/" .. slug
    local pages = { "/", a, a .. "/guide", a .. "/catalogue", a .. "/rules", a .. "/feed.atom",
      "/sitemap.xml", "/sitemap", "/contact" }
    return wrk.format("GET", pages[math.random(#pages)] .. "?" .. fresh())
  elseif mode == "report" then
    return wrk.format("GET", "/agencies/" .. slug .. "/reports/" .. years[math.random(#years)]
      .. files[math.random(#files)] .. "?" .. fresh())
  end
end
