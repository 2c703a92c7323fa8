"""The cache (Flask-Caching): RedisCache on REDIS_URL, shared by every process and machine; a
SimpleCache (one process's memory) without Redis; config CACHE_TYPE=NullCache turns it off.

    from app.cache import cache
    value = cache.get(key)  /  cache.set(key, value, timeout=...)

Nothing per user or per scope may be cached under a key that does not name the user.
"""

from flask_caching import Cache

cache = Cache()
