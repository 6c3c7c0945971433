"""The plain-text rendering of an answer for the command line.

It reads the answer's JSON form (:func:`retrieval.answers.answer_to_dict`), so an answer
computed in this process and one received from a running `chinam serve` print the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrieval.answers import Answer


def answer_to_text(answer: Answer | Mapping[str, Any]) -> str:
    """Plain-text rendering for the command line (of an answer or of its JSON form)."""
    if isinstance(answer, Mapping):
        data = answer
    else:  # imported here: printing a server's answer needs none of the answering code
        from retrieval.answers import answer_to_dict

        data = answer_to_dict(answer)
    lines: list[str] = []
    if data["status"] == "not_found":
        lines.append("Không tìm thấy văn bản nào trong kho trả lời được câu hỏi này.")
        if data.get("suggestions"):
            lines.append("Các văn bản hiện có gần nhất: " + "; ".join(data["suggestions"]))
        if data.get("tips"):
            lines.append("Gợi ý hỏi lại:")
            lines += [f"  - {t}" for t in data["tips"]]
        return "\n".join(lines)
    groups = data.get("groups") or []
    number_of = {g["citation"]["document_id"]: n for n, g in enumerate(groups, start=1)}
    if data.get("prose"):
        lines += [data["prose"], ""]
    if data.get("chains") and data.get("target") is not None:
        lines.append(f"Văn bản triển khai {data['target']['label']}:")
        lines += [f"  • {line}" for line in data.get("chain_lines") or []]
        lines.append("")
    if data.get("unheld_header"):
        lines += [f"Bản lưu trong kho không có {data['unheld_header']}.", ""]
    if data.get("obligations"):
        if data.get("unassigned_actor"):
            lines.append(f"Văn bản không giao việc riêng cho {data['unassigned_actor']}; "
                         "dưới đây là việc giao cho các bên khác.")
        lines += _obligation_lines(data["obligations"], number_of)
    for n, group in enumerate(groups, start=1):
        citation = group["citation"]
        lines.append(f"[{n}] {citation['line']}")
        for q in group["quotes"]:
            where = f" (mục {q['section']})" if q.get("section") else ""
            lines.append(f"    “{q['text']}”{where}")
        for chain in list(citation.get("implements") or [])[:3]:
            lines.append(f"    ↳ thực hiện: {chain}")
        lines.append("")
    if data.get("related"):
        lines.append("Văn bản liên quan:")
        for rel in data["related"]:
            arrow = "triển khai" if rel["relation"] == "implemented_by" else "thực hiện"
            lines.append(f"  - {rel['label']} ({arrow})")
    lines.append(f"(chế độ tìm kiếm: {data['mode']})")
    return "\n".join(lines).rstrip()


def _obligation_lines(obligations: list[dict[str, Any]], number_of: dict[Any, int]) -> list[str]:
    lines = ["Ai phải làm gì:"]
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for ob in obligations:
        by_actor.setdefault(ob["actor"], []).append(ob)
    for actor, obs in by_actor.items():
        lines.append(f"• {actor}:")
        for ob in obs:
            deadline = f" (thời hạn: {ob['deadline']})" if ob.get("deadline") else ""
            doc = ob["document_id"]
            ref = f" [{number_of[doc]}]" if doc in number_of else ""
            lines.append(f"    – “{ob['action']}”{deadline}{ref}")
    lines.append("")
    return lines
