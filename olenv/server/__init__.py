"""`olenv exec --server`: credentials served to the command over HTTP on 127.0.0.1
(the ECS container credentials protocol), renewed as they near expiry."""
