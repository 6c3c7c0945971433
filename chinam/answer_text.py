"""The plain-text rendering of an answer for the command line."""

from __future__ import annotations

from retrieval.answers import Answer, Obligation


def answer_to_text(answer: Answer) -> str:
    """Plain-text rendering for the command line."""
    lines: list[str] = []
    if answer.status == "not_found":
        lines.append("Không tìm thấy văn bản nào trong kho trả lời được câu hỏi này.")
        if answer.suggestions:
            lines.append("Các văn bản hiện có gần nhất: " + "; ".join(answer.suggestions))
        if answer.tips:
            lines.append("Gợi ý hỏi lại:")
            lines += [f"  - {t}" for t in answer.tips]
        return "\n".join(lines)
    number_of = {g.citation.document_id: n for n, g in enumerate(answer.groups, start=1)}
    if answer.prose:
        lines += [answer.prose, ""]
    if answer.chains and answer.target is not None:
        lines.append(f"Văn bản triển khai {answer.target.label}:")
        lines += [f"  • {c.text()}" for c in answer.chains]
        lines.append("")
    if answer.obligations:
        if answer.unassigned_actor:
            lines.append(f"Văn bản không giao việc riêng cho {answer.unassigned_actor}; "
                         "dưới đây là việc giao cho các bên khác.")
        lines.append("Ai phải làm gì:")
        by_actor: dict[str, list[Obligation]] = {}
        for ob in answer.obligations:
            by_actor.setdefault(ob.actor, []).append(ob)
        for actor, obs in by_actor.items():
            lines.append(f"• {actor}:")
            for ob in obs:
                deadline = f" (thời hạn: {ob.deadline})" if ob.deadline else ""
                ref = f" [{number_of[ob.document_id]}]" if ob.document_id in number_of else ""
                lines.append(f"    – “{ob.action}”{deadline}{ref}")
        lines.append("")
    for n, group in enumerate(answer.groups, start=1):
        lines.append(f"[{n}] {group.citation.line()}")
        for q in group.quotes:
            where = f" (mục {q.section})" if q.section else ""
            lines.append(f"    “{q.text}”{where}")
        for chain in group.citation.implements[:3]:
            lines.append(f"    ↳ thực hiện: {chain}")
        lines.append("")
    if answer.related:
        lines.append("Văn bản liên quan:")
        for rel in answer.related:
            arrow = "triển khai" if rel.relation == "implemented_by" else "thực hiện"
            lines.append(f"  - {rel.label} ({arrow})")
    lines.append(f"(chế độ tìm kiếm: {answer.mode})")
    return "\n".join(lines).rstrip()
