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
    their own high-water mark (loaded_through), the ones whose figures move with the data's as-of time
    (`moves_with_as_of`, a condition on the model's own rows), and the ones `changed_upstream` selects
    (a query of conversation ids whose policy or office-hours figures differ from what the model
    holds, after a seed or a variable changed). A full build, and a unit test, keeps every
    conversation. -#}
{% macro only_conversations_to_refresh(moves_with_as_of=none, changed_upstream=none) -%}
    {%- if this is not none and is_incremental() %}
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
        {%- if changed_upstream %}
        union all
        {{ changed_upstream }}
        {%- endif %}
    )
    {%- endif %}
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
