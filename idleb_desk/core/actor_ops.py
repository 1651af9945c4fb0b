"""The analyst's work on canonical actors: rename, merge, split a mention off, link a
mention or a speaker, and the reads the Actors panel shows.

A part of `ReviewSession` (`session.actors`). Rename, merge and split change the project,
not one document, so they are logged as project events (document_id NULL); see
`core.actors` for how mentions link to actors in the first place.
"""

from __future__ import annotations

from idleb_desk import actor_link
from idleb_desk.core.actors import DEMONYM_SETTING, suggest_link
from idleb_desk.core.ops import ReviewError
from idleb_desk.core.session_context import SessionContext
from idleb_desk.model import LAYER_ACTOR, Span
from idleb_desk.store import actor_queries
from idleb_desk.store import actors as actors_q
from idleb_desk.store import spans as spans_q
from idleb_desk.store.actor_queries import ActorRow, Mention, RoleActors, RoleSpan


class ActorOps:
    def __init__(self, ctx: SessionContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    @property
    def reviewer(self) -> str:
        return self.ctx.reviewer

    # ---- reads ----------------------------------------------------------------------------

    def actor_rows(self) -> list[ActorRow]:
        return actor_queries.actor_rows(self.store)

    def actor_mentions(self, actor_id: int) -> list[Mention]:
        return actor_queries.mentions(self.store, actor_id)

    def suggest_actor(self, span: Span) -> actor_link.Link:
        return suggest_link(self.store, span.text, span.label, span.document_id)

    def demonyms_to_state(self) -> bool:
        return bool(self.store.setting(DEMONYM_SETTING, False))

    def set_demonyms_to_state(self, on: bool) -> None:
        self.ctx.set_setting(DEMONYM_SETTING, bool(on))

    # ---- project operations ---------------------------------------------------------------

    def rename_actor(self, actor_id: int, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            raise ReviewError("an actor needs a name")
        actor = self.store.actor(actor_id)
        if name == actor.name:
            return
        other = actor_queries.actor_ids_with_name(self.store, name, actor.label)
        if other is not None:
            target = actor_queries.merged_target(self.store, other)
            if target != other:
                raise ReviewError(
                    f"{name!r} was merged into {self.store.actor(target).name!r}; it "
                    "names that actor"
                )
            raise ReviewError(
                f"another {actor.label} actor is already called {name!r}; merge the two instead (M)"
            )
        with self.ctx.operation("rename_actor", None) as op:
            op.touch("actors", actor_id)
            actors_q.rename(self.store, actor_id, name)

    def merge_actors(self, source_id: int, target_id: int) -> None:
        """Every mention of `source` becomes a mention of `target`; `source` goes away."""
        if source_id == target_id:
            raise ReviewError("an actor cannot be merged into itself")
        self.store.actor(source_id), self.store.actor(target_id)  # both exist, or KeyError
        with self.ctx.operation("merge_actors", None) as op:
            for span_id in actor_queries.spans_of_actor(self.store, source_id):
                op.touch("spans", span_id)
            op.touch("actors", source_id)
            actors_q.merge(self.store, source_id, target_id)

    def split_mention(self, span_id: int, name: str | None = None) -> int:
        """Give one mention an actor of its own (named after it unless `name` is given);
        returns the new actor's id."""
        span = self.store.span(span_id)
        if span.actor_id is None:
            raise ReviewError("this mention is not linked to an actor")
        old = self.store.actor(span.actor_id)
        base = " ".join((name or actor_link.canonical_name(span.text, old.label)).split())
        if not base:
            raise ReviewError("an actor needs a name")
        label = old.label
        candidate, n = base, 1
        while actor_queries.actor_ids_with_name(self.store, candidate, label) is not None:
            n += 1
            candidate = f"{base} ({n})"
        with self.ctx.operation("split_mention", None) as op:
            op.touch("spans", span_id)
            new_id = actors_q.insert(self.store, candidate, label)
            op.created("actors", new_id)
            spans_q.set_actor(self.store, span_id, new_id)
        return new_id

    def link_mention(self, span_id: int, actor_id: int | None) -> Span:
        """Point one mention or speaker span at an actor (None: at none). A document event:
        it is the analyst's edit of that document's link."""
        span = self.store.span(span_id)
        if actor_id is not None:
            self.store.actor(actor_id)
        if span.actor_id == actor_id:
            return span
        with self.ctx.operation("link_actor", span.document_id) as op:
            op.touch("spans", span_id)
            spans_q.set_actor(self.store, span_id, actor_id)
        return self.store.span(span_id)

    def link_speaker(self, claim_id: int, actor_id: int | None) -> Span:
        """Set the actor a claim's speaker (a name, a pronoun, a description) stands for."""
        claim = self.store.claim(claim_id)
        if claim.speaker_span_id is None:
            raise ReviewError("this claim has no speaker to link")
        return self.link_mention(claim.speaker_span_id, actor_id)

    def speaker_actor(self, claim_id: int) -> tuple[int | None, str]:
        """The actor a claim's speaker links to, and how (shown in the claim panel)."""
        claim = self.store.claim(claim_id)
        if claim.speaker_span_id is None:
            return None, ""
        span = self.store.span(claim.speaker_span_id)
        if span.actor_id is None:
            # No link of its own: the actors the exports name (`RoleActors`), the first
            # of a coordinated speaker's.
            ante = None
            if claim.antecedent_span_id is not None:
                a = self.store.span(claim.antecedent_span_id)
                ante = RoleSpan(a.start, a.end, a.actor_id)
            ids = RoleActors(self.store).speaker_ids(
                claim.document_id, RoleSpan(span.start, span.end, None), ante
            )
            if not ids:
                return None, ""
            return ids[0], f"first of {len(ids)} it names" if len(ids) > 1 else "its head"
        how = "via its antecedent" if claim.antecedent_span_id is not None else ""
        if span.layer == LAYER_ACTOR:
            how = "the mention"
        return span.actor_id, how
