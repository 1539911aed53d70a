"""The demo county's project ledger: key, attraction, renovation, bond and challenge projects.

`builder.build_projects(ctx, seed=…)` runs after the enterprises exist and writes, in bulk and
without per-row audit (the caller writes one summarising audit row per model, as for the firms):

- the 45 county-level key projects of the article, whose total investment is exactly 291.3亿元,
  plus a few city- and province-level key projects;
- 44 attraction projects across every stage, among them the three the article names (常州姆驰,
  浙江武义, 沈阳蓝光: fitness-equipment and elevator "补芯" projects aimed at chain gaps);
- 120 renovation projects of 规上 firms (一企一年一技改), leaving some firms without one;
- a dozen special-bond projects and four challenges (揭榜挂帅) at different stages;
- the "双十" and site-visit project lists, milestone plans with frozen baselines (a few
  re-planned, one re-plan awaiting approval), approval items (拿地即开工 / 交地即发证), 20 weeks
  of weekly reports with gaps, late reports and problems, and finally the lights.

Everything is dated relative to `ctx.today`, so the current week always has reports, and drawn
from a seeded random stream, so the same seed and day give the same ledger. Each monitored
project gets a *scenario* (on plan, a late start, a slipping milestone, investment behind the
time-proportional plan, no statistical registration, a missing report) and its facts are made
to match it; the lights are then computed from those facts by `jinmu.projects.lights`, never
written here. Derived report figures (cumulative and yearly investment, the project's latest
figures) follow `jinmu.projects.reporting` exactly: running sums, the yearly one per ISO year.

The lists (templates, named projects, texts) are in `data/projects.json`, read by `specs`.
`base` holds the builder's state, lookups and dates; `key_projects`, `attraction` and
`programmes` make the kinds of project; `plans` and `reports` add milestones, approvals, history
and weekly reports; `writer` inserts it all; `builder` puts the parts together.
"""
