"""What a zh-CN page may show in Latin letters: nothing but what is named here."""

from __future__ import annotations

import re

from playwright.async_api import Page

# The language switch names English in English; file formats keep their names; keys are
# named as printed on the keyboard (the desk's shortcuts).
ALLOWED_LATIN = {
    *("English", "Ctrl", "Enter", "Alt"),
    *("PDF", "CSV", "XLSX", "Excel", "Word", "JPG", "PNG", "WebP", "GIF"),
}


async def english_words(page: Page, *numbers: str, leaving_out: str = "") -> list[str]:
    """Latin words of 3+ letters in the page's visible text, ticket numbers, words with
    digits (codes, ids) and the allowlist aside; ``leaving_out``: a selector of parts that
    hold other tests' data (lists of every ticket), read by their own tests."""
    shown = str(
        await page.evaluate(
            """(leavingOut) => {
                const copy = document.body.cloneNode(true);
                if (leavingOut) copy.querySelectorAll(leavingOut).forEach((e) => e.remove());
                document.body.after(copy);
                const text = copy.innerText;
                copy.remove();
                return text;
            }""",
            leaving_out,
        )
    )
    for number in numbers:
        shown = shown.replace(number, "")
    for allowed in sorted(ALLOWED_LATIN, key=len, reverse=True):
        shown = shown.replace(allowed, "")
    shown = re.sub(r"[A-Za-z0-9-]*[0-9][A-Za-z0-9-]*", "", shown)
    return re.findall(r"[A-Za-z]{3,}", shown)
