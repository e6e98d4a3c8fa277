{
    "name": "Marketplace Connector: queue_job scale-out",
    "summary": "Run order pages, shipments, refunds and offer pushes as OCA queue_job jobs, "
               "one job channel per marketplace",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Marketplace suite developers",
    "depends": ["marketplace_connector", "queue_job"],
    "data": [
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
        "views/marketplace_channel_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
