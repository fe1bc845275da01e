"""A local SparkSession over the metastore and warehouse the `spark` output of profiles.yml uses.

dbt-spark's session method starts Spark inside dbt; scripts that read what it built (compare_marts.py)
open the same catalog with the same settings, which are kept in step with profiles.yml here.
"""

from __future__ import annotations

import os
from pathlib import Path

from pyspark.sql import SparkSession


def local_session(spark_dir: Path) -> SparkSession:
    spark_dir = spark_dir.resolve()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[*]")
        .appName("intercom-sla")
        .enableHiveSupport()
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(spark_dir / "warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL", f"jdbc:derby:;databaseName={spark_dir}/metastore;create=true"
        )
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config(
            "spark.driver.extraJavaOptions",
            f"-Dlog4j2.configurationFile={Path(__file__).with_name('spark_log4j2.properties')}"
            f" -Dderby.stream.error.file={spark_dir}/derby.log",
        )
        .getOrCreate()
    )
    return session
