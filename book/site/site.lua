--[[
site.lua: writes the book as a static site, one page per chapter. It runs
after workbook.lua, in the pandoc that builds the site (mk/site.mk), and
writes the pages itself; pandoc's own output is empty.

  WORKBOOK_SITE=book/out/site pandoc -d book/defaults.yaml \
    -L book/site/site.lua chapters/*.md -t html5 -o /dev/null

Into WORKBOOK_SITE it writes
  index.html         the title, the full contents, the downloads
  ID.html            one page per chapter, named by its level-1 header's id
                     (address-spaces.html), so a page keeps its address when
                     chapters are renumbered
  search-data.js     the text of every section, for lunr (site.js); a script,
                     not JSON, so that search works from file:// too
  highlight.css      the code highlighting's colours
  figures/           every local image the pages show (copied)
Each page has the sidebar (search and contents, with the page's sections),
previous/next links, and numbers as the whole book (sections.lua). A link to
an anchor on another page is rewritten PAGE.html#ANCHOR; a table is wrapped
in a box that scrolls sideways on a phone. The static files (site.css,
site.js, lunr) are copied by the Makefile.
]]

local DIR = PANDOC_SCRIPT_FILE:match("^(.*/)")
package.path = DIR .. "?.lua;" .. package.path
local sections = require("sections")

local OUT = os.getenv("WORKBOOK_SITE") or "book/out/site"

local function fail(msg)
  error("site.lua: " .. msg, 0)
end

local function read(path)
  local f = io.open(path, "r") or fail("cannot read " .. path)
  local text = f:read("a")
  f:close()
  return text
end

local function write(path, text)
  local f = io.open(path, "w") or fail("cannot write " .. path)
  f:write(text)
  f:close()
end

local function escape(text)
  return (text:gsub("[&<>\"]", {
    ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
  }))
end

-- Every identifier a block list defines (headers, divs, spans, code...).
local function ids_in(blocks, page, into)
  local function note(el)
    if el.identifier and el.identifier ~= "" then into[el.identifier] = page end
  end
  pandoc.walk_block(pandoc.Div(blocks), {
    Header = note, Div = note, Span = note, CodeBlock = note, Code = note,
    Link = note, Image = note, Table = note,
  })
end

-- Copies a local image into figures/ (once) and returns its new address.
local copied, taken, ncopied = {}, {}, 0
local function site_image(src)
  if src:match("^%a[%w+.-]*:") or src:match("^data:") then return src end
  if not copied[src] then
    local name = src:match("([^/]+)$")
    ncopied = ncopied + 1
    if taken[name] then name = ncopied .. "-" .. name end
    taken[name] = true
    local dest = "figures/" .. name
    os.execute("mkdir -p '" .. OUT .. "/figures' && cp '" .. src .. "' '" ..
               OUT .. "/" .. dest .. "'")
    local f = io.open(OUT .. "/" .. dest, "r") or
      fail("figure " .. src .. " could not be copied")
    f:close()
    copied[src] = dest
  end
  return copied[src]
end

-- The page's blocks, ready to write: cross-page links, images, tables.
local function site_blocks(blocks, page_of, this_page)
  return pandoc.walk_block(pandoc.Div(blocks), {
    Link = function(link)
      local anchor = link.target:match("^#(.+)$")
      if anchor and page_of[anchor] and page_of[anchor] ~= this_page then
        link.target = page_of[anchor] .. "#" .. anchor
        return link
      end
    end,
    Image = function(image)
      image.src = site_image(image.src)
      return image
    end,
    Table = function(table)
      return pandoc.Div({table}, {class = "table-wrap"})
    end,
  }).content
end

local function toc_entry(href, entry, class)
  return '<a href="' .. escape(href) .. '"' ..
    (class and ' class="' .. class .. '"' or "") .. ">" ..
    (entry.number ~= "" and '<span class="number">' .. entry.number ..
      "</span> " or "") .. escape(entry.title) .. "</a>"
end

-- The sidebar's contents: every chapter; the current one with its sections.
local function sidebar(chapters, current)
  local out = {'<ol class="toc">'}
  for _, chapter in ipairs(chapters) do
    local page = chapter.id .. ".html"
    local here = current == chapter
    table.insert(out, "<li" .. (here and ' class="current"' or "") .. ">" ..
      toc_entry(page, chapter, here and "current" or nil))
    if here then
      table.insert(out, "<ol>")
      for _, s in ipairs(chapter.sections) do
        if s.level == 2 then
          table.insert(out, "<li>" .. toc_entry(page .. "#" .. s.id, s) .. "</li>")
        end
      end
      table.insert(out, "</ol>")
    end
    table.insert(out, "</li>")
  end
  table.insert(out, "</ol>")
  return table.concat(out, "\n")
end

local function prevnext(prev, next)
  local out = {'<nav class="prevnext" aria-label="Previous and next">'}
  if prev then
    table.insert(out, '<a class="prev" rel="prev" href="' .. prev.href ..
      '"><span class="dir">← Previous</span> <span class="title">' ..
      escape(prev.label) .. "</span></a>")
  end
  if next then
    table.insert(out, '<a class="next" rel="next" href="' .. next.href ..
      '"><span class="dir">Next →</span> <span class="title">' ..
      escape(next.label) .. "</span></a>")
  end
  table.insert(out, "</nav>")
  return table.concat(out, "\n")
end

-- The index page: the book's title and the full contents.
local function index_body(meta, chapters)
  local out = {'<header class="title-page">',
    "<h1>" .. escape(pandoc.utils.stringify(meta.title or "")) .. "</h1>"}
  if meta.subtitle then
    table.insert(out, '<p class="subtitle">' ..
      escape(pandoc.utils.stringify(meta.subtitle)) .. "</p>")
  end
  table.insert(out, '<p class="downloads">Also as one file: ' ..
    '<a href="../workbook.html">HTML</a> · <a href="../workbook.pdf">PDF</a> · ' ..
    '<a href="../workbook.epub">EPUB</a></p>')
  table.insert(out, "</header>")
  table.insert(out, '<nav class="contents" aria-label="Contents"><h2>Contents</h2><ol>')
  for _, chapter in ipairs(chapters) do
    local page = chapter.id .. ".html"
    table.insert(out, "<li>" .. toc_entry(page, chapter) .. "<ol>")
    for _, s in ipairs(chapter.sections) do
      if s.level == 2 then
        table.insert(out, "<li>" .. toc_entry(page .. "#" .. s.id, s) .. "</li>")
      end
    end
    table.insert(out, "</ol></li>")
  end
  table.insert(out, "</ol></nav>")
  return table.concat(out, "\n")
end

-- The text of a block for search, with a space between items and cells.
local function block_text(block)
  local t = block.t
  if t == "BulletList" or t == "OrderedList" then
    local parts = {}
    for _, item in ipairs(block.content) do
      for _, b in ipairs(item) do table.insert(parts, block_text(b)) end
    end
    return table.concat(parts, " ")
  elseif t == "Div" or t == "BlockQuote" then
    local parts = {}
    for _, b in ipairs(block.content) do table.insert(parts, block_text(b)) end
    return table.concat(parts, " ")
  elseif t == "Table" or t == "DefinitionList" then
    return pandoc.write(pandoc.Pandoc({block}), "plain")
  end
  return pandoc.utils.stringify(block)
end

-- One search document per header (levels 1 to 3): its text up to the next.
local function search_docs(chapter, blocks, docs)
  local current, parts = nil, {}
  local function flush()
    if current then
      local text = table.concat(parts, " "):gsub("%s+", " ")
      table.insert(docs, {
        u = chapter.id .. ".html" .. (current.level > 1 and "#" .. current.id or ""),
        t = sections.label(current), c = sections.label(chapter), b = text,
      })
    end
    parts = {}
  end
  local by_id = {}
  for _, s in ipairs(chapter.sections) do by_id[s.id] = s end
  for _, block in ipairs(blocks) do
    if block.t == "Header" and block.level <= 3 and by_id[block.identifier] then
      flush()
      current = by_id[block.identifier]
    else
      table.insert(parts, block_text(block))
    end
  end
  flush()
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local named = {['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\t"] = "\\t"}
    return named[c] or string.format("\\u%04x", c:byte())
  end):gsub("</", "<\\/") .. '"'
end

local function write_search_data(docs)
  local out = {}
  for _, d in ipairs(docs) do
    table.insert(out, "{" .. '"u":' .. json_string(d.u) .. ',"t":' ..
      json_string(d.t) .. ',"c":' .. json_string(d.c) .. ',"b":' ..
      json_string(d.b) .. "}")
  end
  write(OUT .. "/search-data.js", "window.WORKBOOK_SEARCH_DATA = [\n" ..
    table.concat(out, ",\n") .. "\n];\n")
end

-- The highlighting's CSS, as pandoc writes it for a standalone page.
local function write_highlight_css(options)
  local css = pandoc.write(
    pandoc.Pandoc({pandoc.CodeBlock("int x;", {class = "c"})},
                  {pagetitle = pandoc.MetaString("css")}),
    "html5", {
      template = pandoc.template.compile("$highlighting-css$"),
      highlight_style = options.highlight_style,
    })
  write(OUT .. "/highlight.css", css .. "\n")
end

function Pandoc(doc)
  os.execute("mkdir -p '" .. OUT .. "'")
  local chapters = sections.number(doc.blocks)
  if #chapters == 0 then fail("the book has no level-1 header") end
  local page_of = {}
  for _, chapter in ipairs(chapters) do
    local page = chapter.id .. ".html"
    chapter.blocks = {}
    for i = chapter.first, chapter.last do
      table.insert(chapter.blocks, doc.blocks[i])
    end
    ids_in(chapter.blocks, page, page_of)
  end

  local template = pandoc.template.compile(read(DIR .. "page.html"))
  local options = PANDOC_WRITER_OPTIONS
  local book = pandoc.utils.stringify(doc.meta.title or "")
  local lang = pandoc.utils.stringify(doc.meta.lang or "en")
  local function page(body_blocks, body_html, vars)
    vars.booktitle = escape(book)
    vars.lang = lang
    local blocks = body_blocks or {pandoc.RawBlock("html", body_html)}
    local meta = {pagetitle = pandoc.MetaString(vars.pagetitle)}
    vars.pagetitle = nil
    return pandoc.write(pandoc.Pandoc(blocks, meta), "html5", {
      template = template, variables = vars, number_sections = true,
      highlight_style = options.highlight_style, section_divs = true,
      html_q_tags = false, wrap_text = "wrap-none",
    })
  end

  local links = {{href = "index.html", label = "Contents"}}
  for _, chapter in ipairs(chapters) do
    table.insert(links, {href = chapter.id .. ".html", label = sections.label(chapter)})
  end
  write(OUT .. "/index.html", page(nil, index_body(doc.meta, chapters), {
    pagetitle = "Contents", sidebar = sidebar(chapters, nil),
    prevnext = prevnext(nil, links[2]), index = "true",
  }))
  local docs = {}
  for i, chapter in ipairs(chapters) do
    local blocks = site_blocks(chapter.blocks, page_of, chapter.id .. ".html")
    search_docs(chapter, blocks, docs)
    write(OUT .. "/" .. chapter.id .. ".html", page(blocks, nil, {
      pagetitle = sections.label(chapter),
      sidebar = sidebar(chapters, chapter),
      prevnext = prevnext(links[i], links[i + 2]),
    }))
  end
  write_search_data(docs)
  write_highlight_css(options)
  return pandoc.Pandoc({}, doc.meta)
end
