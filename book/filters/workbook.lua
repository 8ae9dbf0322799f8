--[[
workbook.lua: the book's pandoc filter. It makes every listing, every piece of
command output and every figure in the book come from the real, tested files.

  ```{.c include="solutions/alloc/mm.c" anchor="coalesce"}
  ```
      The lines between "ANCHOR: coalesce" and "ANCHOR_END: coalesce" in
      that file. Marker lines (anchors, solution markers, //~ stubs, interim
      blocks of // INTERIM and //= lines) are dropped, tabs become four
      spaces, and the common indent is removed.
      Without anchor=, the whole file. If a solutions/ file is missing (the
      student handout has no solutions), the labs/ file of the same name is
      used instead. With WORKBOOK_EDITION=student in the environment (make
      student-book), the labs/ file is used even when the solution exists:
      the student's edition shows the code as students receive it (given
      code, stubs and TODOs), and a listing whose anchor lies inside a
      solution region becomes a note that this code is the reader's to
      write.

  ```{.console run="solutions/isolation/isolation-demo maps"}
  ```
      Runs the command from the workbook's root at build time and shows
      "$ command" followed by what it printed. With optional=true (for a
      probe of the machine that not every machine has: perf, PSI, THP) a
      failure is shown in the book instead of stopping the build. With
      WORKBOOK_RUNS=DIR in the environment, a command's output is kept in
      DIR and reused by the other formats of the same build (make book
      empties DIR first), so each command runs once per build. In the
      students' edition, the command and its output name labs/LAB/ where
      they say solutions/LAB/ (a student has no solutions/), and the build
      stops if such a labs/ path does not exist; so do commands in the
      prose (inline code).

  ```{.dot #fig:walk src="book/figures/walk.dot" caption="..." alt="..."}
  ```
      A figure: numbered ("Figure 3.2", per chapter; 0.N in the
      introduction), captioned, with alt text (both required), in SVG for
      HTML and EPUB and in vector PDF (rsvg-convert of the SVG) for LaTeX.
      The class names the tool: .dot (graphviz), .gnuplot (a script; the
      terminal is set here) or .svg. The source is the file src=, or the
      block's text, or with run="command" what the command prints (a
      figure of real state, drawn by a lab's own program). A .gnuplot
      figure may take data="command": the command's output goes in a file
      whose name the script finds in the variable `data`. With
      measured=true the caption ends with the machine the data came from.
      Commands run from the workbook's root, and their output is cached in
      WORKBOOK_FIGURES (default build/figures) under a hash of the command
      and of every file it names, so a measurement runs once for HTML, PDF
      and EPUB alike, and again only when its program or input changes.
      [@fig:walk] in the text becomes "Figure 3.2", a link to it; a
      reference to a figure that does not exist stops the build.

  ::: myth                    a "myth" box (styled by the CSS; a quote in PDF)

A missing file, a missing anchor, or a command that fails stops the build with
a message naming the chapter's code block.
]]

local ROOT = os.getenv("WORKBOOK_ROOT") or "."
local STUDENT = os.getenv("WORKBOOK_EDITION") == "student"
local FIGURES = os.getenv("WORKBOOK_FIGURES") or (ROOT .. "/build/figures")
local RUNS = os.getenv("WORKBOOK_RUNS")
local RUN_LINE_CAP = 60

local function fail(msg)
  error("workbook.lua: " .. msg, 0)
end

local function file_exists(path)
  local f = io.open(path, "r")
  if f then f:close() return true end
  return false
end

-- Returns the text of the file rel names (or of its labs/ copy: see above)
-- and whether that copy was used.
local function read_file(rel)
  local path = ROOT .. "/" .. rel
  local alt = rel:gsub("^solutions/", "labs/")
  local use_alt = alt ~= rel and file_exists(ROOT .. "/" .. alt)
  if STUDENT and use_alt then
    path = ROOT .. "/" .. alt
  elseif not file_exists(path) then
    if use_alt then
      path = ROOT .. "/" .. alt
    else
      fail("include: no such file: " .. rel)
    end
  end
  local f = io.open(path, "r")
  local text = f:read("a")
  f:close()
  return text, path ~= ROOT .. "/" .. rel
end

-- Returns true if text has the anchor's opening marker.
local function has_anchor(text, anchor)
  for name in text:gmatch("ANCHOR:%s*([%w_%-%.]+)") do
    if name == anchor then return true end
  end
  return false
end

local function is_marker(line)
  return line:match("ANCHOR:") or line:match("ANCHOR_END:")
      or line:match("BEGIN SOLUTION") or line:match("END SOLUTION")
      or line:match("^%s*//~")
      or line:match("^%s*// INTERIM %(") or line:match("^%s*// END INTERIM")
      or line:match("^%s*//=")
end

-- Returns the lines of text between the anchor's two markers.
local function anchor_lines(text, rel, anchor)
  local lines, inside, found, closed = {}, false, false, false
  for line in (text .. "\n"):gmatch("(.-)\n") do
    local name_open = line:match("ANCHOR:%s*([%w_%-%.]+)")
    local name_close = line:match("ANCHOR_END:%s*([%w_%-%.]+)")
    if anchor == nil then
      table.insert(lines, line)
    elseif name_open == anchor then
      inside, found = true, true
    elseif name_close == anchor then
      inside, closed = false, true
    elseif inside then
      table.insert(lines, line)
    end
  end
  if anchor ~= nil and not found then
    fail("include: no anchor '" .. anchor .. "' in " .. rel)
  end
  if anchor ~= nil and not closed then
    fail("include: anchor '" .. anchor .. "' in " .. rel .. " has no ANCHOR_END")
  end
  return lines
end

-- Drops marker lines, expands tabs and removes the common indent.
local function tidy(lines)
  local kept, indent = {}, math.huge
  for _, line in ipairs(lines) do
    if not is_marker(line) then
      line = line:gsub("\t", "    ")
      table.insert(kept, line)
      if line:match("%S") then
        indent = math.min(indent, #line:match("^ *"))
      end
    end
  end
  if indent == math.huge then indent = 0 end
  for i, line in ipairs(kept) do kept[i] = line:sub(indent + 1) end
  while #kept > 0 and not kept[#kept]:match("%S") do table.remove(kept) end
  while #kept > 0 and not kept[1]:match("%S") do table.remove(kept, 1) end
  return table.concat(kept, "\n")
end

-- In the students' edition: text with solutions/LAB/ written labs/LAB/,
-- every such path checked to exist in the student's checkout.
local function student_paths(text)
  if not STUDENT then return text end
  text = text:gsub("solutions/([%w_%-]+)/", "labs/%1/")
  for path in text:gmatch("labs/[%w_%-%./]+") do
    path = path:gsub("[/.]+$", "")
    if path:match("^labs/[%w_%-]+/") and not file_exists(ROOT .. "/" .. path) then
      fail("students' edition: the book shows " .. path ..
           ", which a student's checkout does not have")
    end
  end
  return text
end

local function run_command(cmd, optional)
  local cached = RUNS and RUNS .. "/" ..
    pandoc.utils.sha1(cmd .. (optional and "\0optional" or ""))
  if cached and file_exists(cached) then
    local f = io.open(cached, "r")
    local text = f:read("a")
    f:close()
    return student_paths(text)
  end
  local pipe = io.popen("cd '" .. ROOT .. "' && (" .. cmd .. ") 2>&1", "r")
  local out = pipe:read("a")
  local ok, _, code = pipe:close()
  if not ok and not optional then
    fail("run: '" .. cmd .. "' exited with status " .. tostring(code) ..
         "; its output was:\n" .. out)
  end
  if not ok then
    out = out .. "[on the machine that built this book, this command " ..
          "failed with status " .. tostring(code) .. "]\n"
  end
  local lines, n = {}, 0
  for line in out:gmatch("([^\n]*)\n?") do
    n = n + 1
    if n <= RUN_LINE_CAP then table.insert(lines, line) end
  end
  while #lines > 0 and lines[#lines] == "" do table.remove(lines) end
  if n > RUN_LINE_CAP then
    table.insert(lines, "[... " .. (n - RUN_LINE_CAP) .. " more lines]")
  end
  local text = "$ " .. cmd .. "\n" .. table.concat(lines, "\n")
  if cached then
    os.execute("mkdir -p '" .. RUNS .. "'")
    local f = io.open(cached, "w")
    f:write(text)
    f:close()
  end
  return student_paths(text)
end

local FIGURE_TOOLS = {"dot", "gnuplot", "svg"}

-- Returns the tool of a figure block (its class), or nil for another block.
local function figure_tool(block)
  for _, tool in ipairs(FIGURE_TOOLS) do
    if block.classes:includes(tool) then return tool end
  end
  return nil
end

function CodeBlock(block)
  if figure_tool(block) then return nil end -- the figure pass's, below
  local attrs = block.attributes
  if attrs.include then
    local text, from_labs = read_file(attrs.include)
    if from_labs and STUDENT and attrs.anchor and
        not has_anchor(text, attrs.anchor) then
      return pandoc.Para({pandoc.Emph({pandoc.Str(
        "[The code of " .. attrs.anchor .. " in " ..
        attrs.include:gsub("^solutions/", "labs/") ..
        " is yours to write in the lab.]")})})
    end
    block.text = tidy(anchor_lines(text, attrs.include, attrs.anchor))
    attrs.include, attrs.anchor = nil, nil
    return block
  end
  if attrs.run then
    block.text = run_command(attrs.run, attrs.optional == "true")
    attrs.run, attrs.optional = nil, nil
    return block
  end
end

function Code(code)
  code.text = student_paths(code.text)
  return code
end

function Div(div)
  if div.classes:includes("myth") and FORMAT:match("latex") then
    return pandoc.BlockQuote(div.content)
  end
end

-- ---- Figures ---------------------------------------------------------------

local function read_all(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  return text
end

-- Writes text to path through a temporary file, so that an interrupted
-- build never leaves half a file in the cache.
local function write_all(path, text)
  local f = assert(io.open(path .. ".tmp", "wb"))
  f:write(text)
  f:close()
  assert(os.rename(path .. ".tmp", path))
end

local function shell_quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- Returns the files a word of a command names: itself, or what the shell
-- makes of it if it holds a wildcard (traces/*.rep).
local function named_files(word)
  if not word:match("[*?]") then return {word} end
  local files = {}
  local pipe = io.popen("cd " .. shell_quote(ROOT) .. " && for f in " .. word ..
                        "; do echo \"$f\"; done")
  for line in pipe:lines() do table.insert(files, line) end
  pipe:close()
  return files
end

-- A hash of the command and of every file it names: a word of the command
-- that is a readable file (a program, a trace), or a wildcard that matches
-- some, counts with the files' contents.
local function command_key(cmd)
  local parts = {cmd}
  for word in cmd:gmatch("[^%s'\"<>|;]+") do
    for _, file in ipairs(word:match("[%w_]") and named_files(word) or {}) do
      local path = file:sub(1, 1) == "/" and file or ROOT .. "/" .. file
      local text = read_all(path)
      if text then
        table.insert(parts, file .. "\0" .. pandoc.utils.sha1(text))
      end
    end
  end
  return pandoc.utils.sha1(table.concat(parts, "\0"))
end

-- The machine this build runs on, for the caption of a measurement.
local machine_cache
local function machine()
  if machine_cache then return machine_cache end
  local cpu = (read_all("/proc/cpuinfo") or ""):match("model name%s*:%s*([^\n]+)")
  local pipe = io.popen("uname -sr; nproc; uname -m")
  local kernel, cores, arch = pipe:read("l"), pipe:read("l"), pipe:read("l")
  pipe:close()
  local virtual = (read_all("/proc/cpuinfo") or ""):match("hypervisor")
  machine_cache = (cpu or arch or "an unknown CPU") .. ", " ..
      (cores or "?") .. " CPUs" .. (virtual and " (a virtual machine)" or "") ..
      ", " .. (kernel or "an unknown kernel")
  return machine_cache
end

-- Runs cmd from the workbook's root once: returns its output, and the
-- machine it ran on, from the cache if the command and its files are
-- unchanged. A failure stops the build.
local function cached_run(cmd, what)
  local base = FIGURES .. "/" .. command_key(cmd)
  local out, where = read_all(base .. ".out"), read_all(base .. ".machine")
  if out and where then return out, where end
  local pipe = io.popen("cd " .. shell_quote(ROOT) .. " && (" .. cmd .. ") 2>" ..
                        shell_quote(base .. ".err"), "r")
  out = pipe:read("a")
  local ok, _, code = pipe:close()
  if not ok then
    fail(what .. ": '" .. cmd .. "' exited with status " .. tostring(code) ..
         "; it said:\n" .. (read_all(base .. ".err") or ""))
  end
  os.remove(base .. ".err")
  write_all(base .. ".out", out)
  write_all(base .. ".machine", machine())
  return out, machine()
end

-- Renders the figure's source with its tool to an SVG file (and, for
-- LaTeX, a PDF made from it). Returns the path of the one the format uses.
local function render(tool, source, data_path, what)
  local data = data_path and read_all(data_path) or ""
  local key = pandoc.utils.sha1("no-doctype\0" .. tool .. "\0" .. source .. "\0" ..
                                (data_path or "") .. "\0" .. data)
  local svg = FIGURES .. "/" .. key .. ".svg"
  if not file_exists(svg) then
    local cmd, input
    if tool == "dot" then
      cmd, input = "dot -Tsvg", source
    elseif tool == "gnuplot" then
      cmd = "cd " .. shell_quote(ROOT) .. " && gnuplot"
      input = "set terminal svg size 720,420 font 'DejaVu Sans,13' " ..
              "background rgb 'white'\nset output '/dev/stdout'\n" ..
              (data_path and ("data = '" .. data_path .. "'\n") or "") ..
              source .. "\nunset output\n"
    else
      cmd, input = "cat", source
    end
    local tmp = os.tmpname()
    write_all(tmp, input)
    local ok = os.execute(cmd .. " < " .. shell_quote(tmp) .. " > " ..
                          shell_quote(svg .. ".tmp") .. " 2> " ..
                          shell_quote(tmp .. ".err"))
    local err = read_all(tmp .. ".err") or ""
    os.remove(tmp)
    os.remove(tmp .. ".err")
    if not ok or (tool == "gnuplot" and err:match("%S")) then
      os.remove(svg .. ".tmp")
      fail(what .. ": " .. tool .. " could not draw it:\n" .. err)
    end
    -- No DOCTYPE: EPUB 3 forbids the external DTD that graphviz and
    -- gnuplot name (epubcheck HTM-003, OPF-073), and no reader needs it.
    local text = read_all(svg .. ".tmp")
    text = text:gsub("<!DOCTYPE[^%[>]*%b[]%s*>", ""):gsub("<!DOCTYPE[^>]*>", "")
    write_all(svg, text)
    os.remove(svg .. ".tmp")
  end
  if not FORMAT:match("latex") then return svg end
  local pdf = FIGURES .. "/" .. key .. ".pdf"
  if not file_exists(pdf) then
    if not os.execute("rsvg-convert -f pdf -o " .. shell_quote(pdf .. ".tmp") ..
                      " " .. shell_quote(svg)) then
      fail(what .. ": rsvg-convert could not convert " .. svg)
    end
    assert(os.rename(pdf .. ".tmp", pdf))
  end
  return pdf
end

local figure_numbers = {} -- "fig:name" -> "3.2"

-- Turns a figure code block, the nth of chapter `chapter`, into the figure.
local function make_figure(block, tool, chapter, n)
  local attrs, id = block.attributes, block.identifier
  local what = "figure " .. (id ~= "" and id or "starting '" ..
                             block.text:sub(1, 60) .. "'")
  if not attrs.caption or not attrs.caption:match("%S") then
    fail(what .. " has no caption=")
  end
  if not attrs.alt or not attrs.alt:match("%S") then
    fail(what .. " has no alt= (a description for readers who cannot see it)")
  end
  if id ~= "" and not id:match("^fig:") then
    fail(what .. ": a figure's identifier starts with fig:")
  end
  local source, where = block.text, nil
  if attrs.src then
    source = read_all(ROOT .. "/" .. attrs.src) or
             fail(what .. ": no such file: " .. attrs.src)
  elseif attrs.run then
    source, where = cached_run(attrs.run, what)
  end
  local data_path
  if attrs.data then
    local _
    _, where = cached_run(attrs.data, what)
    data_path = FIGURES .. "/" .. command_key(attrs.data) .. ".out"
  end
  -- LaTeX's report class numbers a figure outside a numbered chapter
  -- plainly: Figure 1, 2...
  local number = chapter == 0 and tostring(n) or chapter .. "." .. n
  if id ~= "" then
    if figure_numbers[id] then fail("two figures are called " .. id) end
    figure_numbers[id] = number
  end
  local caption_text = attrs.caption
  if attrs.measured == "true" then
    caption_text = caption_text .. " Measured when this book was built, on " ..
                   (where or machine()) .. "."
  end
  local caption = pandoc.utils.blocks_to_inlines(pandoc.read(caption_text).blocks)
  if not FORMAT:match("latex") then -- LaTeX numbers its figures itself
    caption:insert(1, pandoc.Str("Figure " .. number .. ":"))
    caption:insert(2, pandoc.Space())
  end
  local path = render(tool, source, data_path, what)
  return pandoc.Para({pandoc.Image(caption, path, "fig:",
                                   pandoc.Attr(id, {}, {alt = attrs.alt}))})
end

-- Numbers the figures per chapter (level-1 headings; in the unnumbered
-- introduction, 1, 2, ... as LaTeX counts), draws them, then resolves
-- [@fig:name] references.
local function figures(doc)
  os.execute("mkdir -p " .. shell_quote(FIGURES))
  local chapter, numbered, n = 0, 0, 0
  local blocks = pandoc.List()
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 then
      if block.classes:includes("unnumbered") then
        chapter = 0
      else
        numbered = numbered + 1
        chapter = numbered
      end
      n = 0
    end
    blocks:insert(pandoc.walk_block(pandoc.Div({block}), {
      CodeBlock = function(b)
        local tool = figure_tool(b)
        if not tool then return nil end
        n = n + 1
        return make_figure(b, tool, chapter, n)
      end,
    }).content[1])
  end
  doc.blocks = blocks
  return doc:walk({
    Cite = function(cite)
      local id = cite.citations[1].id
      if not id:match("^fig:") then return nil end
      if #cite.citations > 1 then
        fail("cite one figure at a time: " .. pandoc.utils.stringify(cite))
      end
      local number = figure_numbers[id] or
                     fail("[@" .. id .. "]: no figure has that identifier")
      if FORMAT:match("latex") then
        return pandoc.RawInline("latex", "Figure~\\ref{" .. id .. "}")
      end
      return pandoc.Link({pandoc.Str("Figure"), pandoc.Space(),
                          pandoc.Str(number)}, "#" .. id)
    end,
  })
end

return {
  {CodeBlock = CodeBlock, Div = Div},
  {Pandoc = figures},
}
