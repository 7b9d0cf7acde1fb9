"""The Tryton adapter of the ERP port: `adapter.TrytonGateway` over the JSON-RPC client in `client.py`.

Select it with ERP_BACKEND = "integrations.erp.tryton.adapter.TrytonGateway". Nothing here imports trytond:
the portal only talks to a Tryton server over HTTP.
"""
