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

function Pandoc(doc)
  local files = os.getenv("WORKBOOK_CHAPTERS") or fail("no WORKBOOK_CHAPTERS")
  local blocks, file_of = {}, {}
  for path in files:gmatch("%S+") do
    local f = io.open(path, "r") or fail("cannot read " .. path)
    local text = f:read("a")
    f:close()
    local chapter = pandoc.read(text, "markdown").blocks
    local name = path:match("([^/]+)$")
    for _, block in ipairs(chapter) do
      table.insert(blocks, block)
      if block.t == "Header" then file_of[block.identifier] = name end
    end
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
