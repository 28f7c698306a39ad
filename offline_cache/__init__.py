"""Encrypted offline store: vaults, migrations, the outbox, pull cache and audit chain.

The only package that touches SQL (STYLE §1). Public entry points: :mod:`offline_cache.vault`
(open/recover a user's vault), :class:`offline_cache.outbox.Outbox`,
:class:`offline_cache.audit_chain.AuditChain`, :class:`offline_cache.pull_cache.PullCache`;
errors in :mod:`offline_cache.errors`.
"""
