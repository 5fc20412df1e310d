"""What a learner does in JupyterLab, as Playwright steps: open, run, type, look.

Actions go through the page as a learner makes them (menus, clicks, keys); waits and a few
checks read JupyterLab's own state (``window.jupyterapp``, exposed by the test's server),
which says reliably when a kernel is idle or a notebook changed.
"""

import re
import time

TIMEOUT_MS = 120_000
# True when the current notebook's kernel is connected, idle, and no cell waits to run.
KERNEL_IDLE = """() => {
  const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const session = widget && widget.sessionContext;
  const kernel = session && session.session && session.session.kernel;
  if (!kernel || kernel.connectionStatus !== 'connected') return false;
  if (session.kernelDisplayStatus !== 'idle') return false;
  const prompts = [...widget.node.querySelectorAll('.jp-InputPrompt')];
  return !prompts.some((prompt) => prompt.textContent.includes('*'));
}"""
NOTEBOOK_JSON = "() => window.jupyterapp.shell.currentWidget.content.model.toJSON()"


def open_notebook(page, lab, relative_path):
    """Open ``relative_path`` (from the server's root) in a fresh workspace; wait for its kernel."""
    page.goto(f"{lab['url']}/lab/tree/{relative_path}?reset&token={lab['token']}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=TIMEOUT_MS)
    wait_until_idle(page)


def wait_until_idle(page, settle_seconds=1.0):
    """Wait until the kernel is idle with nothing queued, and stays so for a moment.

    The moment lets JupyterLab finish what it does when a kernel starts (it writes the
    kernel's spec and language into the notebook's metadata).
    """
    page.wait_for_function(KERNEL_IDLE, timeout=TIMEOUT_MS)
    time.sleep(settle_seconds)
    page.wait_for_function(KERNEL_IDLE, timeout=TIMEOUT_MS)


def is_dirty(page):
    """Whether the current notebook's tab shows the unsaved-changes dot."""
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current")
    return "jp-mod-dirty" in (tab.get_attribute("class") or "")


def menu(page, top, item):
    """Click menu ``top`` in the menu bar, then its item labelled exactly ``item``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    label = re.compile(f"^{re.escape(item)}$")
    page.locator(".lm-Menu-itemLabel", has_text=label).click()


def cells(page):
    return page.locator(".jp-Notebook .jp-Cell")


def cell(page, index):
    """The notebook's cell number ``index`` (from 0), scrolled into view."""
    located = cells(page).nth(index)
    located.scroll_into_view_if_needed()
    return located


def output_text(page, index):
    """The text of cell ``index``'s outputs, scrolled into view (the page renders only
    what is near the view, so an output far off screen has no text yet)."""
    outputs = cell(page, index).locator(".jp-OutputArea")
    outputs.locator(".jp-OutputArea-output").first.wait_for(timeout=TIMEOUT_MS)
    outputs.scroll_into_view_if_needed()
    return outputs.inner_text()


def replace_source(page, index, text):
    """Select all of cell ``index``'s code and put ``text`` in its place.

    ``insert_text`` enters the text at once, as a paste does: the editor's auto-indent
    and auto-closed brackets, made for typing a key at a time, leave it as it is.
    """
    cell(page, index).locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")  # command mode, as after typing


def run_cell_and_next(page, index):
    """Select cell ``index`` and press Shift+Enter twice: it runs, then the one below."""
    cell(page, index).locator(".jp-InputPrompt").click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    wait_until_idle(page, settle_seconds=0.2)


def notebook_json(page):
    """The open notebook as JupyterLab holds it (nbformat's JSON, outputs included)."""
    return page.evaluate(NOTEBOOK_JSON)


def error_cells(notebook):
    """Indices of the cells of ``notebook`` (JSON) whose outputs hold an error."""
    return [
        index
        for index, each in enumerate(notebook["cells"])
        if any(o.get("output_type") == "error" for o in each.get("outputs", []))
    ]


def answer_dialogs(page, buttons=("Discard", "Shut Down", "Ok")):
    """Press, in each dialog that opens within 2 s, the first of ``buttons`` it has."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            for label in buttons:
                button = dialog.locator("button", has_text=re.compile(f"^{label}$"))
                if button.count():
                    button.first.click()
                    deadline = time.monotonic() + 2
                    break
        time.sleep(0.2)


def wait_until_saved(path, modified_before, seconds=30):
    """Wait until the file at ``path`` is newer than ``modified_before`` (st_mtime_ns)."""
    deadline = time.monotonic() + seconds
    while path.stat().st_mtime_ns == modified_before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"Expected {path.name} to be saved within {seconds} s")
        time.sleep(0.2)
    time.sleep(0.5)  # the server writes, then renames: let it finish
