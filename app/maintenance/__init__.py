"""Operations that are not pages: locks for the scheduled sweeps, `check`, `purge-logs`."""
