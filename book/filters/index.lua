--[[
index.lua: the PDF's index of key terms, from a list kept in a file, not
from markers in the chapters.

book/index-terms.txt has one term per line, as the index shows it
(markdown: `mmap` is set in code type); after " | " come other spellings
that count as a use of it:

    boundary tag
    page-table entry | page table entry | PTE

A term in lower case is found in any case ("Boundary tags" at the start of
a sentence); a term with a capital letter only as written (LRU, not
"lru"). A plural in -s or -es counts. In each section (a level-1 or
level-2 header and what follows it) the first use of each term in the
headers and prose (paragraphs and lists, not tables or captions) gets an
invisible anchor (after the header, for a term in a header), and the index at the end of the PDF lists, for each
term, the pages of those anchors, each a link to its place. The page
numbers come from LaTeX's labels (refcount), so no makeindex run is
needed. A term that the book never uses stops the build: the list would be
out of date.

Only the LaTeX output (the PDF) changes; other formats pass through.
]]

local TERMS_FILE = (os.getenv("WORKBOOK_ROOT") or ".") .. "/book/index-terms.txt"

local function fail(msg)
  error("index.lua: " .. msg, 0)
end

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

-- Escapes Lua pattern characters.
local function literal(s)
  return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

-- A text as the matcher sees it: curly apostrophes straight, code marks gone.
local function plain(s)
  return (s:gsub("\u{2019}", "'"):gsub("`", ""))
end

local function load_terms()
  local f = io.open(TERMS_FILE, "r") or fail("cannot read " .. TERMS_FILE)
  local terms = {}
  for line in f:lines() do
    line = trim(line)
    if line ~= "" and not line:match("^#") then
      local term = {name = trim(line:match("^[^|]*")), spellings = {}, labels = {}}
      for spelling in (line .. "|"):gmatch("([^|]*)|") do
        spelling = plain(trim(spelling))
        if spelling ~= "" then
          local exact = spelling:match("%u") ~= nil
          table.insert(term.spellings, {
            text = exact and spelling or spelling:lower(), exact = exact,
          })
        end
      end
      table.insert(terms, term)
    end
  end
  f:close()
  return terms
end

-- The text of an inline for matching ("" for notes and images).
local function inline_text(el)
  if el.t == "Space" or el.t == "SoftBreak" or el.t == "LineBreak" then return " " end
  if el.t == "Note" or el.t == "Image" or el.t == "RawInline" then return "" end
  return plain(pandoc.utils.stringify(el))
end

-- The position just past the first use of spelling in text, or nil.
local function find_use(text, lower, spelling)
  local hay = spelling.exact and text or lower
  local pattern = "%f[%w]" .. literal(spelling.text)
  local start = 1
  while true do
    local s, e = hay:find(pattern, start)
    if not s then return nil end
    for _, suffix in ipairs({"", "s", "es"}) do
      local stop = e + #suffix
      if hay:sub(e + 1, stop) == suffix and not hay:sub(stop + 1, stop + 1):match("[%w]") then
        return stop
      end
    end
    start = e + 1
  end
end

local terms, seen, count = nil, {}, 0

-- The terms not yet seen in this section that text uses, each with the
-- position just past its first use; marks them seen.
local function uses(text)
  local lower, found = text:lower(), {}
  for _, term in ipairs(terms) do
    if not seen[term] then
      local at
      for _, spelling in ipairs(term.spellings) do
        local stop = find_use(text, lower, spelling)
        if stop and (not at or stop < at) then at = stop end
      end
      if at then
        seen[term] = true
        count = count + 1
        local label = "idx:" .. count
        table.insert(term.labels, label)
        table.insert(found, {at = at, anchor = "\\phantomsection\\label{" .. label .. "}"})
      end
    end
  end
  return found
end

-- Marks, in one list of inlines, the first use of each term not yet seen
-- in this section.
local function mark(inlines)
  local text, ends = "", {}
  for i, el in ipairs(inlines) do
    text = text .. inline_text(el)
    ends[i] = #text
  end
  local inserts = {}
  for _, use in ipairs(uses(text)) do
    for i = 1, #inlines do
      if ends[i] >= use.at then
        inserts[i] = (inserts[i] or "") .. use.anchor
        break
      end
    end
  end
  for i = #inlines, 1, -1 do
    if inserts[i] then
      table.insert(inlines, i + 1, pandoc.RawInline("latex", inserts[i]))
    end
  end
  return inlines
end

local PREAMBLE = [[
\usepackage{refcount}
\makeatletter
% \idxpages{idx:1,idx:2,...}: the pages of those labels, each a link, a
% page named once.
\newcommand\idxpages[1]{\def\idx@last{}\def\idx@sep{}%
  \@for\idx@l:=#1\do{\edef\idx@p{\getpagerefnumber{\idx@l}}%
    \ifx\idx@p\idx@last\else\idx@sep\hyperref[\idx@l]{\idx@p}%
      \def\idx@sep{, }\let\idx@last\idx@p\fi}}
\makeatother
]]

local function latex_of(markdown)
  local blocks = pandoc.read(markdown, "markdown").blocks
  return trim(pandoc.write(pandoc.Pandoc(blocks), "latex"))
end

local function the_index()
  local sorted, unused = {}, {}
  for _, term in ipairs(terms) do
    if #term.labels == 0 then table.insert(unused, term.name) end
    table.insert(sorted, term)
  end
  if #unused > 0 then
    fail("these terms of book/index-terms.txt are used nowhere in the " ..
         "book (correct or remove them): " .. table.concat(unused, "; "))
  end
  local function key(term) return plain(term.name):lower():gsub("[^%w ]", "") end
  table.sort(sorted, function(a, b) return key(a) < key(b) end)
  local out = {"\\cleardoublepage\\phantomsection",
    "\\addcontentsline{toc}{chapter}{\\indexname}", "\\begin{theindex}"}
  local letter
  for _, term in ipairs(sorted) do
    local first = key(term):sub(1, 1)
    if letter and first ~= letter then table.insert(out, "\\indexspace") end
    letter = first
    table.insert(out, "\\item " .. latex_of(term.name) .. ", \\idxpages{" ..
      table.concat(term.labels, ",") .. "}")
  end
  table.insert(out, "\\end{theindex}")
  return pandoc.RawBlock("latex", table.concat(out, "\n"))
end

function Pandoc(doc)
  if not FORMAT:match("latex") then return nil end
  terms = load_terms()
  local filter = {
    Para = function(para) para.content = mark(para.content) return para end,
    Plain = function(p) p.content = mark(p.content) return p end,
  }
  local blocks = {}
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" then
      -- a term in a header: its anchor starts the section
      if block.level <= 2 then seen = {} end
      table.insert(blocks, block)
      local anchors = {}
      for _, use in ipairs(uses(plain(pandoc.utils.stringify(block.content)))) do
        table.insert(anchors, use.anchor)
      end
      if #anchors > 0 then
        table.insert(blocks, pandoc.RawBlock("latex", table.concat(anchors)))
      end
    elseif block.t == "Table" then  -- a table's header repeats on each page
      table.insert(blocks, block)
    else
      table.insert(blocks, pandoc.walk_block(pandoc.Div({block}), filter).content[1])
    end
  end
  doc.blocks = blocks
  table.insert(doc.blocks, the_index())
  local includes = doc.meta["header-includes"]
  local preamble = pandoc.MetaBlocks({pandoc.RawBlock("latex", PREAMBLE)})
  if includes == nil then
    includes = pandoc.MetaList({})
  elseif pandoc.utils.type(includes) ~= "List" then
    includes = pandoc.MetaList({includes})
  end
  table.insert(includes, preamble)
  doc.meta["header-includes"] = includes
  return doc
end
