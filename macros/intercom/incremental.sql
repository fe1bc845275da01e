{#- Incremental models rebuild only the conversations with rows loaded since they last ran: those in
    `relation` whose `loaded_column` is past the model's own high-water mark (messages_loaded_through).
    A full build (or --full-refresh), and a unit test, keeps every conversation. -#}
{% macro only_conversations_loaded_since_last_run(relation, loaded_column) -%}
    {%- if this is not none and is_incremental() %}
    where conversation_id in (
        select conversation_id
        from {{ relation }}
        where coalesce({{ loaded_column }} > (select max(messages_loaded_through) from {{ this }}), true)
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
        where coalesce(loaded_at > (select max(loaded_through) from {{ this }}), true)
        union all
        select conversation_id
        from {{ intercom_staged('conversations') }}
        where coalesce(loaded_at > (select max(loaded_through) from {{ this }}), true)
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
    conversation row when the row was built. -#}
{% macro loaded_through() -%}
    greatest(
        (select max(loaded_at) from {{ intercom_staged('messages') }}),
        (select max(loaded_at) from {{ intercom_staged('conversations') }})
    )
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
