--[[
sections.lua: the book's sections as the book numbers them, for the site
(site.lua) and for the grader's map of sections (sections-tsv.lua).

  local sections = require("sections")
  local chapters = sections.number(blocks)

blocks are the whole book's blocks, chapters in reading order. number()
gives every numbered top-level header its number ("3", "3.2", "3.2.1") in
attributes.number, which the HTML writer shows instead of counting itself,
so a page holding one chapter is numbered as the whole book is (and as
LaTeX numbers the PDF). It returns the chapters: one per level-1 header,
{id, number, title, first, last, sections}, where first..last are the
chapter's blocks and sections lists its headers {id, level, number, title}.
Blocks before the first level-1 header belong to no chapter.
]]

local M = {}

-- The plain text of a header, without its footnotes.
function M.title(header)
  local inlines = pandoc.walk_inline(pandoc.Span(header.content), {
    Note = function() return {} end,
  })
  return pandoc.utils.stringify(inlines)
end

function M.number(blocks)
  local numbers = {}
  local sectioned = pandoc.utils.make_sections(true, nil, blocks)
  pandoc.walk_block(pandoc.Div(sectioned), {
    Div = function(div)
      if div.classes:includes("section") and div.attributes.number then
        numbers[div.identifier] = div.attributes.number
      end
    end,
  })
  local chapters, chapter = {}, nil
  for i, block in ipairs(blocks) do
    if block.t == "Header" then
      local number = numbers[block.identifier]
      block.attributes.number = number
      local entry = {
        id = block.identifier, level = block.level, number = number or "",
        title = M.title(block),
      }
      if block.level == 1 then
        if chapter then chapter.last = i - 1 end
        chapter = {
          id = entry.id, number = entry.number, title = entry.title,
          first = i, sections = {},
        }
        table.insert(chapters, chapter)
      end
      if chapter then table.insert(chapter.sections, entry) end
    end
  end
  if chapter then chapter.last = #blocks end
  return chapters
end

-- "3.2 Splitting an address", or the title alone when unnumbered.
function M.label(entry)
  if entry.number ~= "" then return entry.number .. " " .. entry.title end
  return entry.title
end

return M
