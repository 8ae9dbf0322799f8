--[[
sections-tsv.lua: writes grader/sections.tsv, the map from a rubric's
SECTION (chapter file#anchor) to the section's number, title and page of
the site, which the grader prints on its "reread" line. Run by
`make sections`:

  WORKBOOK_CHAPTERS="chapters/00-....md ..." \
    pandoc -f markdown -t plain -L book/site/sections-tsv.lua -o /dev/null </dev/null

It reads the chapters itself (a filter sees one document, not which file a
heading came from) and prints one row per heading, and one per chapter file
without an anchor:

  03-pages-and-page-tables.md#pages-and-offsets <TAB> 3.2 <TAB> Splitting an address <TAB> pages-and-page-tables.html#pages-and-offsets
]]

package.path = PANDOC_SCRIPT_FILE:match("^(.*/)") .. "?.lua;" .. package.path
local sections = require("sections")

local function fail(msg)
  error("sections-tsv.lua: " .. msg, 0)
end

-- The top-level headers of blocks.
local function headers(blocks)
  local out = {}
  for _, block in ipairs(blocks) do
    if block.t == "Header" then table.insert(out, block) end
  end
  return out
end

function Pandoc(doc)
  local files = os.getenv("WORKBOOK_CHAPTERS") or fail("no WORKBOOK_CHAPTERS")
  -- Each file's headers, then the whole book read as pandoc reads several
  -- files (joined by blank lines), whose headers have the book's ids
  -- (a heading that repeats another's text gets "-1" there).
  local texts, owners = {}, {}
  for path in files:gmatch("%S+") do
    local f = io.open(path, "r") or fail("cannot read " .. path)
    local text = f:read("a")
    f:close()
    table.insert(texts, text)
    local name = path:match("([^/]+)$")
    for _ in ipairs(headers(pandoc.read(text, "markdown").blocks)) do
      table.insert(owners, name)
    end
  end
  local blocks = pandoc.read(table.concat(texts, "\n\n"), "markdown").blocks
  local file_of = {}
  for i, header in ipairs(headers(blocks)) do
    file_of[header.identifier] = owners[i] or fail("the chapters' headers do not add up")
  end
  local rows = {"# SECTION\tNUMBER\tTITLE\tPAGE (generated from chapters/ by " ..
                "`make sections`: do not edit)"}
  for _, chapter in ipairs(sections.number(blocks)) do
    local file, page = file_of[chapter.id], chapter.id .. ".html"
    table.insert(rows, table.concat({file, chapter.number, chapter.title, page}, "\t"))
    for _, s in ipairs(chapter.sections) do
      table.insert(rows, table.concat({file .. "#" .. s.id, s.number,
        s.title:gsub("[\t\n]", " "), page .. "#" .. s.id}, "\t"))
    end
  end
  io.stdout:write(table.concat(rows, "\n"), "\n")
  return pandoc.Pandoc({})
end
