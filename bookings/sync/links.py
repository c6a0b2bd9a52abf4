"""Services' links to their staff members and custom questions, as Graph lists them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..graph import mapping
from ..models import Service, ServiceQuestion, SyncRun


class ServiceLinks:
    """Links services to their staff and questions by Graph id, the way Graph lists them.

    Only graph-known links are managed: a link to a staff member or question the portal made and
    Graph has not seen yet stays. A new service's links are collected and inserted with every other
    new service's (``insert_new``), since a first sync creates hundreds.
    """

    def __init__(self, staff: dict[str, Any], questions: dict[str, Any], run: SyncRun) -> None:
        self.staff, self.questions, self.run = staff, questions, run
        self.new_staff: list[Any] = []
        self.new_assignments: list[ServiceQuestion] = []

    def __call__(self, service: Service, mapped: mapping.MappedService, new: bool) -> bool:
        """Bring one service's links in line; True when an existing service's links changed."""
        return self._staff(service, mapped.staff_member_ids, new) | self._questions(
            service, mapped.question_assignments, new
        )

    def insert_new(self) -> None:
        Service.staff_members.through.objects.bulk_create(self.new_staff)
        ServiceQuestion.objects.bulk_create(self.new_assignments)

    def _report_unknown(self, service: Service, what: str, known: dict, graph_ids: Iterable[str]) -> None:
        for graph_id in sorted(set(graph_ids) - set(known)):
            message = f"Refers to unknown {what} '{graph_id[:100]}'; link left out."
            self.run.report("services", service.graph_id, message)

    def _staff(self, service: Service, graph_ids: tuple[str, ...] | None, new: bool) -> bool:
        if graph_ids is None:
            return False
        self._report_unknown(service, "staff member", self.staff, graph_ids)
        wanted = {self.staff[graph_id] for graph_id in graph_ids if graph_id in self.staff}
        if new:
            link = Service.staff_members.through
            self.new_staff.extend(link(service_id=service.pk, staffmember_id=pk) for pk in wanted)
            return False
        linked = list(service.staff_members.all())
        if wanted == {member.pk for member in linked if member.graph_id is not None}:
            return False
        service.staff_members.set([*wanted, *(member.pk for member in linked if member.graph_id is None)])
        return True

    def _questions(self, service: Service, assignments: Sequence[Any] | None, new: bool) -> bool:
        if assignments is None:
            return False
        required = {assignment.question_id: assignment.is_required for assignment in assignments}
        self._report_unknown(service, "custom question", self.questions, required)
        wanted = [
            (self.questions[g], is_required) for g, is_required in required.items() if g in self.questions
        ]
        rows = [] if new else sorted(service.question_assignments.all(), key=lambda r: (r.position, r.pk))
        if wanted == [
            (row.question_id, row.is_required) for row in rows if row.question.graph_id is not None
        ]:
            return False
        kept = [(row.question_id, row.is_required) for row in rows if row.question.graph_id is None]
        assignments = [
            ServiceQuestion(service=service, question_id=question, is_required=is_required, position=position)
            for position, (question, is_required) in enumerate([*wanted, *kept])
        ]
        if new:
            self.new_assignments.extend(assignments)
            return False
        service.question_assignments.all().delete()
        ServiceQuestion.objects.bulk_create(assignments)
        return True
