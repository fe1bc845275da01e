{#- Incremental models rebuild only the conversations with rows loaded since they last ran: those in
    `relation` whose `loaded_column` is past the model's own high-water mark (messages_loaded_through).
    A full build (or --full-refresh), and a unit test, keeps every conversation. -#}
{% macro only_conversations_loaded_since_last_run(relation, loaded_column) -%}
    {%- if this is not none and is_incremental() %}
    where conversation_id in (
        select conversation_id
        from {{ relation }}
        where {{ loaded_after(loaded_column, '(select max(messages_loaded_through) from ' ~ this ~ ')') }}
    )
    {%- endif %}
{%- endmacro %}


{#- Incremental models that read whole per-conversation tables (or both staged relations) rather
    than messages alone. They redo the conversations with messages or a conversation row loaded since
    their own high-water mark (loaded_through) and the ones whose figures move with the data's as-of
    time (`moves_with_as_of`, a condition on the model's own rows). A model whose figures depend on
    the seeds and variables (`depends_on_settings`) redoes every conversation when its rows were built
    with other settings than this build's (settings_fingerprint). A full build, and a unit test, keeps
    every conversation. -#}
{% macro only_conversations_to_refresh(moves_with_as_of=none, depends_on_settings=false) -%}
    {%- if this is not none and is_incremental() and not (depends_on_settings and settings_changed()) %}
    where conversation_id in (
        select conversation_id
        from {{ intercom_staged('messages') }}
        where {{ loaded_after('loaded_at', '(select max(loaded_through) from ' ~ this ~ ')') }}
        union all
        select conversation_id
        from {{ intercom_staged('conversations') }}
        where {{ loaded_after('loaded_at', '(select max(loaded_through) from ' ~ this ~ ')') }}
        {%- if moves_with_as_of %}
        union all
        select conversation_id
        from {{ this }}
        where {{ moves_with_as_of }}
        {%- endif %}
    )
    {%- endif %}
{%- endmacro %}


{#- The seeds and variables the SLA figures are computed with, as one hash: the seed files' checksums
    and the variables' values. A row keeps the one it was built with (column settings_fingerprint), so
    an edited policy, office-hours schedule, holiday or variable is seen without reading any table. -#}
{% macro settings_fingerprint() -%}
    {%- set settings = [] -%}
    {#- a unit test's graph has no nodes: its fingerprint is the variables' alone -#}
    {%- set nodes = graph.get('nodes', {}) if execute else {} -%}
    {%- for seed in ['sla_policies', 'priority_aliases', 'business_hours', 'holidays'] -%}
        {%- set node = nodes.get('seed.' ~ project_name ~ '.' ~ seed) -%}
        {%- do settings.append(seed ~ '=' ~ (node.checksum.checksum if node else '')) -%}
    {%- endfor -%}
    {%- for name in ['intercom_source', 'unanswered_sla_status', 'business_hours_comparison_schedule'] -%}
        {%- do settings.append(name ~ '=' ~ var(name, '')) -%}
    {%- endfor -%}
    {{- return(local_md5(settings | join(';'))) -}}
{%- endmacro %}


{#- Whether the model's rows were built with other settings than this build's. -#}
{% macro settings_changed() -%}
    {%- set built_with = run_query('select max(settings_fingerprint) from ' ~ this) -%}
    {{- return(built_with.columns[0].values()[0] != settings_fingerprint()) -}}
{%- endmacro %}


{#- The high-water mark of the models above: the latest loaded_at of any staged message or
    conversation row, when every table this model is built from was built in this same dbt invocation.
    A build that leaves one of them out (--select, --exclude) reads it as it was, so the rows loaded since
    it last ran are not in this model yet: the mark stays null on the rows this run writes, and the next
    run redoes them. -#}
{% macro loaded_through() -%}
    {%- if built_from_this_invocation() -%}
    greatest(
        (select max(loaded_at) from {{ intercom_staged('messages') }}),
        (select max(loaded_at) from {{ intercom_staged('conversations') }})
    )
    {%- else -%}
    {{ local_to_utc('cast(null as ' ~ dbt.type_timestamp() ~ ')', "'UTC'") }}
    {%- endif -%}
{%- endmacro %}


{#- Whether every model and seed this model is built from, at any depth, is selected in this dbt
    invocation (views are read as they are now, so they do not count). -#}
{% macro built_from_this_invocation() -%}
    {%- if not execute or model is not mapping or model.get('resource_type') != 'model' -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set walk = namespace(frontier=model.depends_on.nodes | list) -%}
    {%- set visited = [] -%}
    {#- one pass per level of the DAG above the model; the project is far shallower than 100 -#}
    {%- for _ in range(100) if walk.frontier -%}
        {%- set above = [] -%}
        {%- for unique_id in walk.frontier if unique_id not in visited -%}
            {%- do visited.append(unique_id) -%}
            {%- set node = graph.nodes.get(unique_id) -%}
            {%- if node is not none -%}
                {%- if node.resource_type in ('model', 'seed') and node.config.materialized != 'view'
                    and unique_id not in selected_resources -%}
                    {{ return(false) }}
                {%- endif -%}
                {%- do above.extend(node.depends_on.nodes if node.depends_on is defined else []) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set walk.frontier = above -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}


{#- Rows loaded after `mark`. A connector's sync job can land staged rows stamped before the last
    build's mark (the job started before the build ran): on connector sources the mark is moved back by
    the look-back window (var `connector_sync_lookback_hours`) so those rows are picked up, by the models
    that read the staged rows and, since a late row leaves their marks where they were, by the models
    that read those models' marks too. -#}
{% macro loaded_after(loaded_column, mark) -%}
    {%- if intercom_source() == 'loader' -%}
    coalesce({{ loaded_column }} > {{ mark }}, true)
    {%- else -%}
    coalesce({{ loaded_column }} > {{ add_seconds(mark, -3600.0 * var('connector_sync_lookback_hours', 24)) }}, true)
    {%- endif -%}
{%- endmacro %}


{#- A post-hook of every incremental model: a conversation deleted since the last run (SPEC §1 D) has no
    staged row left to redo it with, so its rows are removed here, as a full build would not have them.
    The staged list is named beside the model rather than ref'd: a hook's ref would make every
    incremental model depend on it (it exists: the model's first build came after it). -#}
{% macro forget_deleted_conversations() -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where conversation_id in (
        select conversation_id
        from {{ this.incorporate(path={'identifier': intercom_staged_name('conversations_excluded')}) }}
        where reason = 'deleted'
    )
    {%- endif %}
{%- endmacro %}


{#- A post-hook of those models: the rows an incremental run kept are settled, so of all their figures
    only the as-of time itself moved; it is set to `as_of_relation`'s. -#}
{% macro restamp_data_as_of(as_of_relation) -%}
    {%- if is_incremental() %}
    update {{ this }}
    set data_as_of = (select max(data_as_of) from {{ as_of_relation }})
    where data_as_of <> (select max(data_as_of) from {{ as_of_relation }})
    {%- endif %}
{%- endmacro %}
